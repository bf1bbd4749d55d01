/* placeholder */ int ik_lib_placeholder;
