// Builds tests/support/test_pch.hpp once; every test executable reuses it
// (REUSE_FROM in tests/CMakeLists.txt).
int main() { return 0; }
