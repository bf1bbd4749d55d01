/* placeholder */ int ik_mon_placeholder;
