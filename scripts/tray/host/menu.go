package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/godbus/dbus/v5"
)

const (
	itemIface = "org.kde.StatusNotifierItem"
	menuIface = "com.canonical.dbusmenu"
)

// menuEntry is one item of a DBusMenu, flattened.
type menuEntry struct {
	id        int32
	label     string
	enabled   bool
	separator bool
}

func (e menuEntry) kind() string {
	switch {
	case e.separator:
		return "separator"
	case e.enabled:
		return "enabled"
	}
	return "disabled"
}

// layout is one node of GetLayout's answer: (ia{sv}av).
type layout struct {
	ID       int32
	Props    map[string]dbus.Variant
	Children []dbus.Variant
}

// registeredItems asks the watcher for the icons registered with it.
func registeredItems(ctx context.Context, conn *dbus.Conn) ([]string, error) {
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	var items []string
	call := conn.Object(watcherName, watcherPath).CallWithContext(ctx, "org.freedesktop.DBus.Properties.Get", 0,
		watcherIface, "RegisteredStatusNotifierItems")
	if err := call.Store(&items); err != nil {
		return nil, fmt.Errorf("asking the watcher for its icons: %w", err)
	}
	if len(items) == 0 {
		return nil, errors.New("no tray icon is registered")
	}
	return items, nil
}

// firstMenu finds the first registered icon's menu object.
func firstMenu(ctx context.Context, conn *dbus.Conn) (dbus.BusObject, error) {
	items, err := registeredItems(ctx, conn)
	if err != nil {
		return nil, err
	}
	busName, path, ok := strings.Cut(items[0], "/")
	if !ok {
		return nil, fmt.Errorf("the icon %q has no object path", items[0])
	}
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	var menuPath dbus.ObjectPath
	call := conn.Object(busName, dbus.ObjectPath("/"+path)).CallWithContext(ctx, "org.freedesktop.DBus.Properties.Get", 0, itemIface, "Menu")
	if err := call.Store(&menuPath); err != nil {
		return nil, fmt.Errorf("asking the icon %s for its menu: %w", items[0], err)
	}
	return conn.Object(busName, menuPath), nil
}

// itemMenu reads the first icon's whole menu, in order, and returns it with the menu's object.
func itemMenu(ctx context.Context, conn *dbus.Conn) (dbus.BusObject, []menuEntry, error) {
	obj, err := firstMenu(ctx, conn)
	if err != nil {
		return nil, nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	var (
		revision uint32
		root     layout
	)
	if err := obj.CallWithContext(ctx, menuIface+".GetLayout", 0, int32(0), int32(-1), []string{}).Store(&revision, &root); err != nil {
		return nil, nil, fmt.Errorf("reading the menu: %w", err)
	}
	entries, err := flatten(root.Children)
	return obj, entries, err
}

// flatten lists the nodes of children and their own children, depth first.
func flatten(children []dbus.Variant) ([]menuEntry, error) {
	var entries []menuEntry
	for _, child := range children {
		fields, ok := child.Value().([]any)
		if !ok {
			return nil, fmt.Errorf("a menu item is a %s, not a (ia{sv}av)", child.Signature())
		}
		var node layout
		if err := dbus.Store(fields, &node.ID, &node.Props, &node.Children); err != nil {
			return nil, fmt.Errorf("reading a menu item: %w", err)
		}
		e := menuEntry{id: node.ID, enabled: true}
		if v, ok := node.Props["label"].Value().(string); ok {
			e.label = v
		}
		if v, ok := node.Props["enabled"].Value().(bool); ok {
			e.enabled = v
		}
		if v, ok := node.Props["visible"].Value().(bool); ok && !v {
			continue
		}
		e.separator = node.Props["type"].Value() == "separator"
		entries = append(entries, e)
		sub, err := flatten(node.Children)
		if err != nil {
			return nil, err
		}
		entries = append(entries, sub...)
	}
	return entries, nil
}

// clickItem presses the enabled menu item labelled label, as a panel does when it is clicked.
func clickItem(ctx context.Context, conn *dbus.Conn, label string) error {
	obj, entries, err := itemMenu(ctx, conn)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.label != label || e.separator {
			continue
		}
		if !e.enabled {
			return fmt.Errorf("the menu item %q is disabled", label)
		}
		ctx, cancel := context.WithTimeout(ctx, callTimeout)
		defer cancel()
		call := obj.CallWithContext(ctx, menuIface+".Event", 0, e.id, "clicked", dbus.MakeVariant(int32(0)), uint32(time.Now().Unix()))
		if call.Err != nil {
			return fmt.Errorf("pressing %q: %w", label, call.Err)
		}
		return nil
	}
	return fmt.Errorf("the menu has no item %q", label)
}
