module racefuzz/go/cmd/rfinit

go 1.19
