# unikit_debian_source(VARIABLE PACKAGE MARKER FETCH_COMMAND): sets the cache path VARIABLE to
# the unpacked Debian source package PACKAGE (the folder holding the file MARKER) that
# scripts/fetch_debian_source.sh left in ${UNIKIT_CACHE_DIR:-$HOME/.cache/unikit}/PACKAGE, or
# stops with a message naming FETCH_COMMAND. A -DVARIABLE=... on the command line wins.
function(unikit_debian_source variable package marker fetch_command)
    if(DEFINED ENV{UNIKIT_CACHE_DIR})
        set(cache "$ENV{UNIKIT_CACHE_DIR}/${package}")
    else()
        set(cache "$ENV{HOME}/.cache/unikit/${package}")
    endif()
    set(found "")
    file(GLOB candidates LIST_DIRECTORIES true "${cache}/${package}-*")
    foreach(candidate ${candidates})
        if(EXISTS "${candidate}/${marker}" AND EXISTS "${candidate}/.unikit-complete")
            set(found "${candidate}")
        endif()
    endforeach()
    set(${variable} "${found}" CACHE PATH "Debian's ${package} source, unpacked (${fetch_command} prints it)")
    if(NOT ${variable} OR NOT EXISTS "${${variable}}/${marker}")
        message(FATAL_ERROR "${package}'s source is missing (${variable}='${${variable}}'). "
            "Run scripts/setup.sh, or ${fetch_command} and pass -D${variable}=<the folder it prints>.")
    endif()
    message(STATUS "${package}: ${${variable}}")
endfunction()
