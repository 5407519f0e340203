-- KEYS[1] dk:{fx}:due  ARGV[1] most sessions  ARGV[2] lease ms
-- ARGV[3], … sessions the caller is still working on: their leases run ARGV[2] ms more
-- Returns the due sessions, each now leased to the caller (Redis clock: replicas need no
-- synchronised clocks). A lease that runs out (its replica died) makes it due again.
-- include: _claim_due
return claim_due()
