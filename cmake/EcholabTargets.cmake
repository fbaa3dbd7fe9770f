# Shared compile settings for every echolab target.
add_library(echolab_settings INTERFACE)
target_compile_features(echolab_settings INTERFACE cxx_std_20)
target_compile_options(echolab_settings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wmissing-declarations
  -Woverloaded-virtual -Wnon-virtual-dtor -Wconversion -Wno-sign-conversion
  -Wno-missing-field-initializers)
if(ECHOLAB_WARNINGS_AS_ERRORS)
  target_compile_options(echolab_settings INTERFACE -Werror)
endif()
if(ECHOLAB_SANITIZERS)
  # UndefinedBehaviorSanitizer's default set leaves out out-of-range
  # double-to-integer conversions; they are undefined too, so check them.
  if("undefined" IN_LIST ECHOLAB_SANITIZERS)
    list(APPEND ECHOLAB_SANITIZERS float-cast-overflow)
  endif()
  list(JOIN ECHOLAB_SANITIZERS "," _echolab_sanitizers)
  target_compile_options(echolab_settings INTERFACE
    -fsanitize=${_echolab_sanitizers} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(echolab_settings INTERFACE -fsanitize=${_echolab_sanitizers})
endif()

# echolab_module(NAME DEPENDS ...): one static library per module folder, with
# every .cpp of the folder tree; headers are included as "module/file.h".
function(echolab_module name)
  cmake_parse_arguments(ARG "" "" "DEPENDS" ${ARGN})
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/*.cpp")
  add_library(echolab_${name} STATIC ${sources})
  add_library(echolab::${name} ALIAS echolab_${name})
  target_include_directories(echolab_${name} PUBLIC "${PROJECT_SOURCE_DIR}")
  target_link_libraries(echolab_${name} PUBLIC echolab_settings ${ARG_DEPENDS})
endfunction()
