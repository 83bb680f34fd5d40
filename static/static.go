// Package static holds the club's browser assets (static/web: the
// single-page club, plain JavaScript with no build step), embedded into the
// binary.
package static

import (
	"embed"
	"io/fs"
)

//go:embed web
var files embed.FS

// Web returns the assets of static/web, rooted there (index.html, app.js,
// style.css).
func Web() fs.FS {
	sub, err := fs.Sub(files, "web")
	if err != nil {
		panic(err) // "web" is embedded above; Sub cannot fail
	}
	return sub
}
