module racefuzz/targets/orders

go 1.19
