//go:build windows

package oledrop

import (
	"fmt"
	"sync"
	"unsafe"

	"golang.org/x/sys/windows"

	"redoxuploader/internal/clipfiles"
)

var (
	ole32               = windows.NewLazySystemDLL("ole32.dll")
	procRegisterDrag    = ole32.NewProc("RegisterDragDrop")
	procRevokeDrag      = ole32.NewProc("RevokeDragDrop")
	procDragAcceptFiles = windows.NewLazySystemDLL("shell32.dll").NewProc("DragAcceptFiles")
)

const (
	sOK           = 0
	eNoInterface  = 0x80004002
	dropEffectNo  = 0
	dropEffectCpy = 1
)

// The interfaces the target answers to: IUnknown and IDropTarget.
var (
	iidIUnknown    = windows.GUID{Data1: 0x00000000, Data4: [8]byte{0xC0, 0, 0, 0, 0, 0, 0, 0x46}}
	iidIDropTarget = windows.GUID{Data1: 0x00000122, Data4: [8]byte{0xC0, 0, 0, 0, 0, 0, 0, 0x46}}
)

// target is an IDropTarget: its first word points at the vtable, as COM expects. Windows
// holds pointers to it that Go cannot see, so registered targets stay in live until revoked.
type target struct {
	vtbl    *[7]uintptr
	opts    clipfiles.Options
	onDrop  OnDrop
	accepts bool // the drag now over the window offers files
}

var (
	vtblOnce sync.Once
	vtbl     [7]uintptr // the callbacks, made once: Go cannot free a callback
	liveMu   sync.Mutex
	live     = map[uintptr]*target{} // hwnd → its target, kept reachable while registered
)

// Register makes the window hwnd an OLE drop target in place of GLFW's WM_DROPFILES, calling
// onDrop with what is dropped. Call it on the window's thread; revoke undoes it on that thread.
func Register(hwnd uintptr, opts clipfiles.Options, onDrop OnDrop) (revoke func(), err error) {
	vtblOnce.Do(func() {
		vtbl = [7]uintptr{
			windows.NewCallback(queryInterface), windows.NewCallback(addRef), windows.NewCallback(release),
			windows.NewCallback(dragEnter), windows.NewCallback(dragOver), windows.NewCallback(dragLeave),
			windows.NewCallback(drop),
		}
	})
	if err := clipfiles.InitOLE(); err != nil { // the window's thread stays initialized
		return nil, err
	}
	t := &target{vtbl: &vtbl, opts: opts, onDrop: onDrop}
	liveMu.Lock()
	live[hwnd] = t
	liveMu.Unlock()
	if hr, _, _ := procRegisterDrag.Call(hwnd, uintptr(unsafe.Pointer(t))); hr != sOK {
		forget(hwnd)
		return nil, fmt.Errorf("RegisterDragDrop: HRESULT 0x%08X", uint32(hr))
	}
	procDragAcceptFiles.Call(hwnd, 0) // GLFW's own drop (files only) is no longer needed
	return func() {
		procRevokeDrag.Call(hwnd)
		procDragAcceptFiles.Call(hwnd, 1)
		forget(hwnd)
	}, nil
}

func forget(hwnd uintptr) {
	liveMu.Lock()
	delete(live, hwnd)
	liveMu.Unlock()
}

// self is the target a vtable call is made on (this: a pointer Windows was given by Register).
func self(this uintptr) *target { return (*target)(*(*unsafe.Pointer)(unsafe.Pointer(&this))) }

func queryInterface(this, riid, out uintptr) uintptr {
	iid := *(*windows.GUID)(*(*unsafe.Pointer)(unsafe.Pointer(&riid)))
	ptr := (*uintptr)(*(*unsafe.Pointer)(unsafe.Pointer(&out)))
	if iid == iidIUnknown || iid == iidIDropTarget {
		*ptr = this
		return sOK
	}
	*ptr = 0
	return eNoInterface
}

// The target lives until revoked, not by reference count.
func addRef(this uintptr) uintptr  { return 2 }
func release(this uintptr) uintptr { return 1 }

// effect sets *effectOut to copy when the drag offers files and the source allows a copy.
func (t *target) effect(effectOut uintptr) {
	e := (*uint32)(*(*unsafe.Pointer)(unsafe.Pointer(&effectOut)))
	if t.accepts && *e&dropEffectCpy != 0 {
		*e = dropEffectCpy
	} else {
		*e = dropEffectNo
	}
}

// dragEnter(this, IDataObject*, keys, POINTL by value, DWORD* effect).
func dragEnter(this, obj, keys, pt, effectOut uintptr) uintptr {
	t := self(this)
	t.accepts = clipfiles.OffersFiles(obj)
	t.effect(effectOut)
	return sOK
}

func dragOver(this, keys, pt, effectOut uintptr) uintptr {
	self(this).effect(effectOut)
	return sOK
}

func dragLeave(this uintptr) uintptr {
	self(this).accepts = false
	return sOK
}

// drop reads the files while the source still offers them (virtual files are written to
// opts.VirtualDir now) and hands them to onDrop.
func drop(this, obj, keys, pt, effectOut uintptr) uintptr {
	t := self(this)
	t.effect(effectOut)
	if t.accepts {
		c, err := clipfiles.ReadDataObject(obj, t.opts)
		t.onDrop(c, err)
	}
	t.accepts = false
	return sOK
}
