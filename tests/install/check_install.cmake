# Installs echolab from BUILD_DIR into a scratch prefix, then configures,
# builds and runs the consumer project against it (cmake -P, from CTest).
# Fails when any step fails.
foreach(step_var BUILD_DIR SOURCE_DIR SCRATCH_DIR)
  if(NOT DEFINED ${step_var})
    message(FATAL_ERROR "check_install.cmake needs -D${step_var}=...")
  endif()
endforeach()
file(REMOVE_RECURSE "${SCRATCH_DIR}")

function(run_step description)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE result OUTPUT_VARIABLE output
                  ERROR_VARIABLE output)
  message("${description}:\n${output}")
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "${description} failed (${result})")
  endif()
endfunction()

run_step("install" "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${SCRATCH_DIR}/prefix")
foreach(installed bin/echolab share/echolab/plot/plot_simulation.py
        lib/cmake/echolab/echolabConfig.cmake include/echolab/learning/echo_gradient.h)
  if(NOT EXISTS "${SCRATCH_DIR}/prefix/${installed}")
    message(FATAL_ERROR "the install lacks ${installed}")
  endif()
endforeach()
run_step("configure the consumer" "${CMAKE_COMMAND}" -S "${SOURCE_DIR}/tests/install/consumer"
         -B "${SCRATCH_DIR}/build" -G Ninja -DCMAKE_BUILD_TYPE=Release
         "-DCMAKE_PREFIX_PATH=${SCRATCH_DIR}/prefix")
run_step("build the consumer" "${CMAKE_COMMAND}" --build "${SCRATCH_DIR}/build")
run_step("run the consumer" "${SCRATCH_DIR}/build/consumer")
# The installed executable finds its plotting scripts beside it.
run_step("installed echolab" "${SCRATCH_DIR}/prefix/bin/echolab" --version)
file(REMOVE_RECURSE "${SCRATCH_DIR}")
