# Compile settings and the module libraries of echolab.
include(GNUInstallDirs)

# echolab_build_flags(TARGET): warnings, -Werror and sanitizers for echolab's
# own code. PRIVATE, so that they never reach a project that links echolab
# (through add_subdirectory or the installed package).
function(echolab_build_flags target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wmissing-declarations
    -Woverloaded-virtual -Wnon-virtual-dtor -Wconversion -Wno-sign-conversion
    -Wno-missing-field-initializers)
  if(ECHOLAB_WARNINGS_AS_ERRORS)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  if(ECHOLAB_SANITIZERS)
    set(sanitizers ${ECHOLAB_SANITIZERS})
    # UndefinedBehaviorSanitizer's default set leaves out out-of-range
    # double-to-integer conversions; they are undefined too, so check them.
    if("undefined" IN_LIST sanitizers)
      list(APPEND sanitizers float-cast-overflow)
    endif()
    list(JOIN sanitizers "," joined)
    target_compile_options(${target} PRIVATE
      -fsanitize=${joined} -fno-omit-frame-pointer -fno-sanitize-recover=all)
    target_link_options(${target} PRIVATE -fsanitize=${joined})
  endif()
endfunction()

# echolab_library(NAME SOURCES ... DEPENDS ...): a static library
# echolab::NAME, exported and installed with its public headers, which are
# included as "NAME/file.h".
function(echolab_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPENDS" ${ARGN})
  add_library(echolab_${name} STATIC ${ARG_SOURCES})
  add_library(echolab::${name} ALIAS echolab_${name})
  set_target_properties(echolab_${name} PROPERTIES EXPORT_NAME ${name})
  target_compile_features(echolab_${name} PUBLIC cxx_std_20)
  target_include_directories(echolab_${name} PUBLIC
    "$<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}>"
    "$<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}/echolab>")
  target_link_libraries(echolab_${name} PUBLIC ${ARG_DEPENDS})
  echolab_build_flags(echolab_${name})
  install(TARGETS echolab_${name} EXPORT echolabTargets
    ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}")
  install(DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}/"
    DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}/echolab/${name}"
    FILES_MATCHING PATTERN "*.h"
    PATTERN "examples" EXCLUDE PATTERN "configs" EXCLUDE PATTERN "plot" EXCLUDE)
endfunction()

# echolab_module(NAME DEPENDS ...): the library of a module folder, with every
# .cpp of the folder tree.
function(echolab_module name)
  cmake_parse_arguments(ARG "" "" "DEPENDS" ${ARGN})
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/*.cpp")
  echolab_library(${name} SOURCES ${sources} DEPENDS ${ARG_DEPENDS})
endfunction()
