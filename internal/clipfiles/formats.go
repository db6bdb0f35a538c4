package clipfiles

// The clipboard formats (X11 targets, MIME types) read, best first within each kind.
const (
	targetGnomeFiles = "x-special/gnome-copied-files" // "copy" or "cut", then file:// URIs
	targetURIList    = "text/uri-list"                // RFC 2483
	targetPNG        = "image/png"
	targetJPEG       = "image/jpeg"
)

// fileTargets and imageTargets are the formats that carry files and images, best first.
var (
	fileTargets  = []string{targetGnomeFiles, targetURIList}
	imageTargets = []string{targetPNG, targetJPEG}
	textTargets  = []string{"UTF8_STRING", "text/plain;charset=utf-8", "text/plain", "STRING", "TEXT"}
)

// choice is the format to ask the clipboard's owner for, and what it carries.
type choice struct {
	target string
	kind   kind
}

type kind int

const (
	kindNone kind = iota
	kindFiles
	kindImage
	kindText
)

// choose picks the best of the formats the clipboard offers: files before an image (a file
// manager offers both for a copied picture file: the file is what was copied), an image
// before text.
func choose(offered []string) choice {
	has := make(map[string]bool, len(offered))
	for _, t := range offered {
		has[t] = true
	}
	for _, group := range []struct {
		targets []string
		kind    kind
	}{{fileTargets, kindFiles}, {imageTargets, kindImage}, {textTargets, kindText}} {
		for _, t := range group.targets {
			if has[t] {
				return choice{t, group.kind}
			}
		}
	}
	return choice{}
}
