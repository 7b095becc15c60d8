//go:build !race

package service

// raceEnabled: no race detector; bugs seen only as race reports (G1, G6) are not
// checked on the buggy variant.
const raceEnabled = false
