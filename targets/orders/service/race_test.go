//go:build race

package service

// raceEnabled: the race detector is built in, so trigger tests can expect its reports.
const raceEnabled = true
