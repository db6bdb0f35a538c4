package main

import (
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/godbus/dbus/v5"
)

// The desktop's notification service (freedesktop's Desktop Notifications specification).
const (
	notificationsName = "org.freedesktop.Notifications"
	notificationsPath = dbus.ObjectPath("/org/freedesktop/Notifications")
)

// notifications is the served org.freedesktop.Notifications: it shows nothing, and writes
// each notification on one line, "notification SUMMARY: BODY", for the test to read.
type notifications struct {
	out  io.Writer
	mu   sync.Mutex
	last uint32
}

// serveNotifications owns the notification service's name on conn.
func serveNotifications(conn *dbus.Conn, out io.Writer) error {
	n := &notifications{out: out}
	if err := conn.Export(n, notificationsPath, notificationsName); err != nil {
		return fmt.Errorf("exporting the notification service: %w", err)
	}
	reply, err := conn.RequestName(notificationsName, dbus.NameFlagDoNotQueue)
	if err != nil {
		return fmt.Errorf("asking for %s: %w", notificationsName, err)
	}
	if reply != dbus.RequestNameReplyPrimaryOwner {
		return fmt.Errorf("%s is owned by another program already", notificationsName)
	}
	return nil
}

// Notify records a notification and returns its number.
func (n *notifications) Notify(appName string, replacesID uint32, appIcon, summary, body string, actions []string,
	hints map[string]dbus.Variant, expireTimeout int32) (uint32, *dbus.Error) {
	n.mu.Lock()
	n.last++
	id := n.last
	n.mu.Unlock()
	oneLine := strings.NewReplacer("\n", " ", "\r", " ")
	fmt.Fprintf(n.out, "notification %s: %s\n", oneLine.Replace(summary), oneLine.Replace(body))
	return id, nil
}

// GetCapabilities says the service shows a notification's body.
func (n *notifications) GetCapabilities() ([]string, *dbus.Error) { return []string{"body"}, nil }

// GetServerInformation names this service.
func (n *notifications) GetServerInformation() (name, vendor, version, specVersion string, err *dbus.Error) {
	return "redox-uploader test tray host", "Redox Uploader", "1", "1.2", nil
}

// CloseNotification has nothing to close: nothing is shown.
func (n *notifications) CloseNotification(id uint32) *dbus.Error { return nil }
