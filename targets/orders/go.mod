module racefuzz/targets/orders

go 1.19

require racefuzz/go v0.0.0

// racefuzz's remote-coverage package (cmd/ordersd/cover.go), from this repository.
replace racefuzz/go => ../../go
