# Unity builds (CMAKE_UNITY_BUILD, on in the dev, tsan and fuzz presets): each
# target's sources are compiled 16 to a translation unit. The tree is many
# small files, and each one's time went to instantiating and generating the
# same standard-library and GoogleTest code again (parsing was a third of
# it): one TU for 16 files takes about a quarter of their separate time, so a
# fresh build (CI's, the quick start's) takes well under half as long.
# `cmake --preset dev -DCMAKE_UNITY_BUILD=OFF` builds file by file, for an
# edit-compile loop or to check that each file includes what it uses
# (scripts/lint's clang-tidy does, on a file-by-file compile database).
#
# A file whose file-local names (an anonymous namespace's helpers, constants
# or types) are also another file's in the same target cannot share a TU
# with it; those are listed in cmake/unity_exclusions.txt and compiled alone.
# A new clash shows as a redefinition or an ambiguous name in a Unity/*.cxx
# file: rename the helper, share it, or list the file.

# Marks each listed file (paths from the source root) in every directory of
# the tree, since a source file's properties are per directory.
function(_tessera_directories_below dir out)
  set(all "${dir}")
  get_property(subdirs DIRECTORY "${dir}" PROPERTY SUBDIRECTORIES)
  foreach(sub IN LISTS subdirs)
    _tessera_directories_below("${sub}" more)
    list(APPEND all ${more})
  endforeach()
  set(${out} ${all} PARENT_SCOPE)
endfunction()

function(tessera_unity_exclusions)
  if(NOT CMAKE_UNITY_BUILD)
    return()
  endif()
  file(STRINGS "${PROJECT_SOURCE_DIR}/cmake/unity_exclusions.txt" lines)
  set(files)
  foreach(line IN LISTS lines)
    string(STRIP "${line}" line)
    if(line STREQUAL "" OR line MATCHES "^#")
      continue()
    endif()
    list(APPEND files "${PROJECT_SOURCE_DIR}/${line}")
  endforeach()
  _tessera_directories_below("${PROJECT_SOURCE_DIR}" directories)
  foreach(dir IN LISTS directories)
    set_source_files_properties(${files} DIRECTORY "${dir}"
                                PROPERTIES SKIP_UNITY_BUILD_INCLUSION ON)
  endforeach()
endfunction()
