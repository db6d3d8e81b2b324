# Issue 15 (seed 002): the soft-token service's endpoints, both channels'
# JSON API and the page's form posts, through tesserad's Dispatcher on a
# SQLite directory with fixture rows in every state and no HSM. Included
# from tests/fuzz/CMakeLists.txt.
tessera_add_fuzzer(fuzz_softtoken_routes fuzz_softtoken_routes.cpp)
target_link_libraries(fuzz_softtoken_routes PRIVATE tessera_softtoken)
