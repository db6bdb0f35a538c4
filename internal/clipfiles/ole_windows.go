//go:build windows

package clipfiles

import (
	"fmt"
	"io"
	"runtime"
	"syscall"
	"unsafe"

	"golang.org/x/sys/windows"
)

// The few COM calls the OLE clipboard and drop target need, made through the objects' vtables
// with syscall.SyscallN: no COM library, nothing generated.

// TYMED values: how a medium carries its data.
const (
	tymedHGlobal = 1
	tymedIStream = 4
)

const (
	sOK           = 0
	sFalse        = 1
	dvaspectCont  = 1 // DVASPECT_CONTENT
	vtblRelease   = 2 // IUnknown::Release
	vtblGetData   = 3 // IDataObject::GetData
	vtblQueryData = 5 // IDataObject::QueryGetData
	vtblRead      = 3 // IStream::Read
)

// formatEtc is FORMATETC (64-bit layout).
type formatEtc struct {
	format uint16
	ptd    uintptr
	aspect uint32
	lindex int32
	tymed  uint32
}

// stgMedium is STGMEDIUM: the union holds an HGLOBAL or an IStream pointer.
type stgMedium struct {
	tymed         uint32
	data          uintptr
	unkForRelease uintptr
}

// hresultError is a failed COM call.
type hresultError struct {
	call string
	hr   uintptr
}

func (e *hresultError) Error() string { return fmt.Sprintf("%s: HRESULT 0x%08X", e.call, uint32(e.hr)) }

// pointer turns an address Windows gave into a pointer (memory Go does not manage).
func pointer(addr uintptr) unsafe.Pointer { return *(*unsafe.Pointer)(unsafe.Pointer(&addr)) }

// comCall calls method index of the COM object obj with args.
func comCall(obj uintptr, index int, args ...uintptr) uintptr {
	vtbl := *(*uintptr)(pointer(obj))
	fn := *(*uintptr)(pointer(vtbl + uintptr(index)*unsafe.Sizeof(uintptr(0))))
	r, _, _ := syscall.SyscallN(fn, append([]uintptr{obj}, args...)...)
	return r
}

func release(obj uintptr) { comCall(obj, vtblRelease) }

// InitOLE initializes OLE on the calling thread (OleInitialize; already initialized is no
// error). The thread must stay locked to its goroutine while OLE is used on it.
func InitOLE() error {
	if hr, _, _ := procOleInitialize.Call(0); hr != sOK && hr != sFalse {
		return &hresultError{"OleInitialize", hr}
	}
	return nil
}

// withOLE runs fn on a locked OS thread with OLE initialized (an apartment of its own), as
// OleGetClipboard and the data objects it returns need.
func withOLE(fn func() error) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := InitOLE(); err != nil {
		return err
	}
	defer procOleUninitialize.Call()
	return fn()
}

// dataObject is an IDataObject pointer: what OleGetClipboard returns and a drop hands over.
type dataObject uintptr

// has reports whether the object offers format as one of the tymed media.
func (d dataObject) has(format uint16, tymed uint32) bool {
	if format == 0 {
		return false
	}
	f := formatEtc{format: format, aspect: dvaspectCont, lindex: -1, tymed: tymed}
	return comCall(uintptr(d), vtblQueryData, uintptr(unsafe.Pointer(&f))) == sOK
}

// get asks for format (item lindex, -1 for the whole) as one of the tymed media. The caller
// releases the medium with releaseMedium.
func (d dataObject) get(format uint16, lindex int32, tymed uint32) (*stgMedium, error) {
	f := formatEtc{format: format, aspect: dvaspectCont, lindex: lindex, tymed: tymed}
	m := new(stgMedium)
	if hr := comCall(uintptr(d), vtblGetData, uintptr(unsafe.Pointer(&f)), uintptr(unsafe.Pointer(m))); hr != sOK {
		return nil, &hresultError{fmt.Sprintf("IDataObject::GetData(format %d, item %d)", format, lindex), hr}
	}
	return m, nil
}

func releaseMedium(m *stgMedium) { procReleaseStgMedium.Call(uintptr(unsafe.Pointer(m))) }

// streamReader reads an IStream as an io.Reader.
type streamReader uintptr

func (s streamReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	var n uint32
	hr := comCall(uintptr(s), vtblRead, uintptr(unsafe.Pointer(&p[0])), uintptr(len(p)), uintptr(unsafe.Pointer(&n)))
	if hr != sOK && hr != sFalse {
		return int(n), &hresultError{"IStream::Read", hr}
	}
	if n == 0 {
		return 0, io.EOF
	}
	return int(n), nil
}

// registeredFormat is the number of the clipboard format registered under name, 0 if none.
func registeredFormat(name string) uint16 {
	p, err := windows.UTF16PtrFromString(name)
	if err != nil {
		return 0
	}
	r, _, _ := procRegisterClipboardFmt.Call(uintptr(unsafe.Pointer(p)))
	return uint16(r)
}
