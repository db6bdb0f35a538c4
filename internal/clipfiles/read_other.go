//go:build !(linux && cgo) && !windows

package clipfiles

import "context"

// read: this build has no platform clipboard reader (a build without cgo, or another system).
func read(context.Context, Options) (Content, error) { return Content{}, ErrUnsupported }
