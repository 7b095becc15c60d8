module racefuzz/go

go 1.19
