#!/bin/sh
# Join a driver's in-process objects (src/inproc/meson.build) into one relocatable object whose
# only global symbol is the renamed entry (a table the driver has no entries for has no section:
# its weak __start_/__stop_ symbols are then both 0, an empty table): LD OBJCOPY ARCHIVE OUTPUT ENTRY NEW_ENTRY
set -eu
ld=$1 objcopy=$2 archive=$3 out=$4 entry=$5 new=$6
"$ld" -r -T "$(dirname "$0")/bench-inproc.ld" -o "$out.tmp" --whole-archive "$archive"
"$objcopy" --keep-global-symbol="$entry" --keep-global-symbol="$new" --redefine-sym "$entry=$new" \
	--rename-section .ik_initcalls=ik_initcalls --rename-section .ik_exitcalls=ik_exitcalls \
	--rename-section .ik_params=ik_params \
	--weaken-symbol=__start_ik_initcalls --weaken-symbol=__stop_ik_initcalls \
	--weaken-symbol=__start_ik_exitcalls --weaken-symbol=__stop_ik_exitcalls \
	--weaken-symbol=__start_ik_params --weaken-symbol=__stop_ik_params \
	--set-section-flags ik_inproc_state=alloc,load,contents,data "$out.tmp" "$out"
rm -f "$out.tmp"
