package assets

import "embed"

// Translations holds en.json and ja.json for fyne's lang package. English
// strings are the keys; a test keeps the two files' keys identical and in
// step with the strings the UI uses.
//
//go:embed translations/*.json
var Translations embed.FS
