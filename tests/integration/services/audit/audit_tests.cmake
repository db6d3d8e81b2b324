# services/audit (docs/audit.md): the canonical encodings and the chain
# verifier on rows in memory (unit), then the log end to end through the
# real tessera binary, a SoftHSM2 token in a temporary TESSERA_HOME and the
# directory on SQLite and PostgreSQL, tampered with SQL (integration).
tessera_add_gtest(audit_unit_test
  SOURCES
    services/audit/audit_hash_test.cpp
    services/audit/chain_verifier_test.cpp
  LIBS tessera_audit OpenSSL::Crypto
  LABELS unit audit)
