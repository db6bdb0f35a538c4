package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"

	"github.com/godbus/dbus/v5"
	"github.com/godbus/dbus/v5/prop"
)

// The StatusNotifierWatcher's D-Bus names (freedesktop's StatusNotifierItem specification, in
// KDE's namespace, which every tray host and Fyne's systray use).
const (
	watcherName  = "org.kde.StatusNotifierWatcher"
	watcherPath  = dbus.ObjectPath("/StatusNotifierWatcher")
	watcherIface = "org.kde.StatusNotifierWatcher"
)

// watcher is the served org.kde.StatusNotifierWatcher: it keeps the icons that register and
// forgets those whose program leaves the bus.
type watcher struct {
	conn  *dbus.Conn
	out   io.Writer
	mu    sync.Mutex
	items []string // "BUSNAME/PATH" of each registered icon
	props *prop.Properties
}

// serveWatcher owns the watcher's name on conn and serves it until ctx ends.
func serveWatcher(ctx context.Context, conn *dbus.Conn, out io.Writer) error {
	w := &watcher{conn: conn, out: out}
	if err := conn.Export(w, watcherPath, watcherIface); err != nil {
		return fmt.Errorf("exporting the watcher: %w", err)
	}
	props, err := prop.Export(conn, watcherPath, map[string]map[string]*prop.Prop{watcherIface: {
		"RegisteredStatusNotifierItems":  {Value: []string{}, Emit: prop.EmitTrue},
		"IsStatusNotifierHostRegistered": {Value: true, Emit: prop.EmitTrue},
		"ProtocolVersion":                {Value: int32(0), Emit: prop.EmitTrue},
	}})
	if err != nil {
		return fmt.Errorf("exporting the watcher's properties: %w", err)
	}
	w.props = props
	if err := conn.AddMatchSignal(dbus.WithMatchSender("org.freedesktop.DBus"), dbus.WithMatchMember("NameOwnerChanged")); err != nil {
		return fmt.Errorf("listening for programs leaving the bus: %w", err)
	}
	signals := make(chan *dbus.Signal, 16)
	conn.Signal(signals)
	// The name last: an icon that finds it can register at once.
	reply, err := conn.RequestName(watcherName, dbus.NameFlagDoNotQueue)
	if err != nil {
		return fmt.Errorf("asking for %s: %w", watcherName, err)
	}
	if reply != dbus.RequestNameReplyPrimaryOwner {
		return fmt.Errorf("%s is owned by another program already", watcherName)
	}
	if err := serveNotifications(conn, out); err != nil {
		return err
	}
	fmt.Fprintln(out, "watching for tray icons")
	for {
		select {
		case <-ctx.Done():
			return nil
		case s := <-signals:
			if s != nil && s.Name == "org.freedesktop.DBus.NameOwnerChanged" && len(s.Body) == 3 {
				name, _ := s.Body[0].(string)
				if owner, _ := s.Body[2].(string); owner == "" {
					w.forget(name)
				}
			}
		}
	}
}

// RegisterStatusNotifierItem is called by an icon with its object path (as Fyne's systray
// does) or its bus name; the icon is its sender's object at that path.
func (w *watcher) RegisterStatusNotifierItem(sender dbus.Sender, service string) *dbus.Error {
	item := string(sender) + "/StatusNotifierItem"
	switch {
	case strings.HasPrefix(service, "/"):
		item = string(sender) + service
	case service != "":
		item = service + "/StatusNotifierItem"
	}
	w.mu.Lock()
	if !slices.Contains(w.items, item) {
		w.items = append(w.items, item)
	}
	items := slices.Clone(w.items)
	w.mu.Unlock()
	w.props.SetMust(watcherIface, "RegisteredStatusNotifierItems", items)
	if err := w.conn.Emit(watcherPath, watcherIface+".StatusNotifierItemRegistered", item); err != nil {
		fmt.Fprintln(w.out, "could not announce the icon:", err)
	}
	fmt.Fprintln(w.out, "registered", item)
	return nil
}

// RegisterStatusNotifierHost accepts a host (a panel); this watcher is its own.
func (w *watcher) RegisterStatusNotifierHost(service string) *dbus.Error { return nil }

// forget drops the icons of the program that owned the bus name name.
func (w *watcher) forget(name string) {
	w.mu.Lock()
	kept := slices.DeleteFunc(slices.Clone(w.items), func(item string) bool { return strings.HasPrefix(item, name+"/") })
	gone := len(kept) != len(w.items)
	w.items = kept
	w.mu.Unlock()
	if gone {
		w.props.SetMust(watcherIface, "RegisteredStatusNotifierItems", kept)
		fmt.Fprintln(w.out, "gone", name)
	}
}
