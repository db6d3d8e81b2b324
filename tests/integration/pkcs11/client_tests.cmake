# Placeholder: client_tests
