//go:build windows

package clipfiles

// OffersFiles reports whether the data object obj (an IDataObject pointer, as a drop target's
// DragEnter receives it) offers files: CF_HDROP or virtual files (FileGroupDescriptorW). Call
// it on the thread obj was given on.
func OffersFiles(obj uintptr) bool {
	d := dataObject(obj)
	return d.has(cfHDROP, tymedHGlobal) || d.has(registeredFormat("FileGroupDescriptorW"), tymedHGlobal)
}
