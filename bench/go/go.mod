module gometal/bench/go

go 1.19
