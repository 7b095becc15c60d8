module racefuzz/bench/gofuzz

go 1.19

require (
	racefuzz/go v0.0.0
	racefuzz/targets/orders v0.0.0
)

replace (
	racefuzz/go => ../../go
	racefuzz/targets/orders => ../../targets/orders
)
