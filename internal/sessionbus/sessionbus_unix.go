//go:build linux || freebsd || openbsd || netbsd || dragonfly

package sessionbus

import "syscall"

// Missing reports whether a D-Bus client in this process would have to start a session bus to
// reach one. It follows godbus v5 (SessionBus), which launches a bus unless
// DBUS_SESSION_BUS_ADDRESS names one (anything but empty or "autolaunch:"), the socket
// /run/user/UID/bus exists, or /run/user/UID/dbus-session holds an address; godbus does not
// look at $XDG_RUNTIME_DIR. An address of Disabled counts as missing.
func Missing() bool {
	return missing(syscall.Getenv, "/run/user/"+itoa(syscall.Getuid()))
}

// missing is Missing with the environment and godbus's run folder given.
func missing(getenv func(string) (string, bool), runDir string) bool {
	if addr, _ := getenv(AddressVar); addr != "" && addr != "autolaunch:" {
		return hasPrefix(addr, Disabled)
	}
	if exists(runDir + "/bus") {
		return false
	}
	text := readSmall(runDir + "/dbus-session")
	if !hasPrefix(text, AddressVar+"=") {
		return true
	}
	return trimNewlines(text[len(AddressVar)+1:]) == ""
}

// RuntimeDirAddress returns the address of the bus socket $XDG_RUNTIME_DIR/bus, where libdbus
// and GLib look when DBUS_SESSION_BUS_ADDRESS is not set, if that socket exists.
func RuntimeDirAddress() (string, bool) {
	return runtimeDirAddress(syscall.Getenv)
}

func runtimeDirAddress(getenv func(string) (string, bool)) (string, bool) {
	dir, _ := getenv("XDG_RUNTIME_DIR")
	if !hasPrefix(dir, "/") || !exists(dir+"/bus") {
		return "", false
	}
	return "unix:path=" + escapeAddressValue(dir+"/bus"), true
}

// exists is godbus's test: anything but "no such file" counts as there.
func exists(path string) bool {
	var st syscall.Stat_t
	return syscall.Stat(path, &st) != syscall.ENOENT
}

// readSmall returns the first 4 KB of a file, or "" when it cannot be read.
func readSmall(path string) string {
	fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return ""
	}
	defer syscall.Close(fd)
	buf := make([]byte, 4096)
	n, err := syscall.Read(fd, buf)
	if err != nil || n < 0 {
		return ""
	}
	return string(buf[:n])
}

func trimNewlines(s string) string {
	for len(s) > 0 && (s[len(s)-1] == '\n' || s[len(s)-1] == '\r') {
		s = s[:len(s)-1]
	}
	return s
}

// escapeAddressValue escapes a D-Bus address value: bytes other than [-0-9A-Za-z_/.\*] become %XX.
func escapeAddressValue(v string) string {
	const hex = "0123456789abcdef"
	out := make([]byte, 0, len(v))
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '-', c == '_', c == '/', c == '.', c == '\\', c == '*':
			out = append(out, c)
		default:
			out = append(out, '%', hex[c>>4], hex[c&0x0f])
		}
	}
	return string(out)
}

// itoa is strconv.Itoa for a user ID, which this package does not import.
func itoa(n int) string {
	if n < 0 {
		return "-" + itoa(-n)
	}
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}
