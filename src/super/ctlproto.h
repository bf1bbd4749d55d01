/* SPDX-License-Identifier: MIT */
/*
 * The supervisor's control socket, $IKERNEL_RUNTIME_DIR/control.sock (SOCK_STREAM).
 * One request per connection: the client sends one line, the supervisor answers
 *   "OK\n" followed by the body, or "ERR <message>\n",
 * and closes the connection (`logs-follow` keeps it open and streams the log).
 * Requests:
 *   status [json]      the status table, or its JSON form
 *   logs NAME          the driver's recent log
 *   logs-follow NAME   the same, then every new line until the client or the supervisor leaves
 *   restart NAME       stop (if running) and start again
 *   stop NAME          stop; no automatic restart until `restart`/`start`
 *   start NAME         start a stopped driver
 *   down               stop every driver, unmount, exit; answered once all is done
 * Everyone may ask for status and logs; the other requests need root or the supervisor's uid.
 */
#ifndef IKSUPER_CTLPROTO_H
#define IKSUPER_CTLPROTO_H

#define IK_CTL_SOCKET_NAME "control.sock"
#define IK_CTL_LINE_MAX    256

#endif
