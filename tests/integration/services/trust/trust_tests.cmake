# Issue 15 (seed 002): the shared attestation check (services/trust) against
# a real tessera-sim's tokens: the CMS's token key F0 and a device's slot key.
tessera_add_gtest(trust_attestation_test
  SOURCES services/trust/attestation_test.cpp
  LIBS tessera_trust tessera_sim_test_support Threads::Threads
  LABELS trust cms integration)
# The test starts the binary: build it first.
add_dependencies(trust_attestation_test tessera-sim)
