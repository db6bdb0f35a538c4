// Command host is a test-only system tray host for scripts/tray-test.sh and
// scripts/screenshots.sh: the part of a desktop's panel that the app's tray icon talks to over
// D-Bus, small enough to read in full. It never runs outside those scripts.
//
//	host watch           own org.kde.StatusNotifierWatcher on the session bus and accept the
//	                     icons that register, and org.freedesktop.Notifications, writing each
//	                     icon and notification on a line of stdout, until SIGTERM or SIGINT
//	host menu            print the first icon's menu (com.canonical.dbusmenu GetLayout), one item
//	                     a line: "ID<TAB>enabled|disabled|separator<TAB>LABEL"
//	host click LABEL     press the enabled item labelled LABEL (DBusMenu Event "clicked")
//
// Every call to another program gives up after callTimeout, so a script waiting on it never hangs.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/godbus/dbus/v5"
)

// callTimeout bounds each D-Bus call.
const callTimeout = 10 * time.Second

const usage = "usage: host watch | menu | click LABEL"

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "tray host:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) == 0 {
		return errors.New(usage)
	}
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		return fmt.Errorf("connecting to the session bus: %w", err)
	}
	defer conn.Close()
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	switch {
	case args[0] == "watch" && len(args) == 1:
		return serveWatcher(ctx, conn, os.Stdout)
	case args[0] == "menu" && len(args) == 1:
		_, entries, err := itemMenu(ctx, conn)
		if err != nil {
			return err
		}
		for _, e := range entries {
			fmt.Printf("%d\t%s\t%s\n", e.id, e.kind(), e.label)
		}
		return nil
	case args[0] == "click" && len(args) == 2:
		return clickItem(ctx, conn, args[1])
	}
	return errors.New(usage)
}
