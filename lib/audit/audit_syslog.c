/*
 * audit_syslog.c - a copy of each record to the local syslog socket.
 *
 * So that records also leave the machine through the channel the site
 * already collects (rsyslog, syslog-ng, journald all read /dev/log), each
 * record goes out as one RFC 5424 message over a unix datagram socket:
 *
 *   <86>1 2026-11-23T18:33:35.123Z host scoperun 4242 run
 *     [scoperun@32473 seq="17" hash="HEX"] {"seq":17,...}
 *
 * facility authpriv (records name users and commands: auth.log, not
 * messages), severity info, notice for refusals and recoveries; MSGID
 * the event; the record's seq and hash in STRUCTURED-DATA, so a copy
 * kept elsewhere can be matched against the chain. 32473 is the example
 * enterprise number of RFC 5612, as scoperun has none of its own.
 *
 * Best effort by design: the log on disk is the record that must exist
 * before a run; a syslog daemon that is down or slow never holds a run up
 * (the send does not block). The first failure in a process is said once
 * on stderr: the one place the library prints, since the append that
 * forwards has succeeded and its caller goes on to exec.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <sodium.h>

#include "audit_impl.h"
#include "settings.h"

#define FACILITY_AUTHPRIV 10
#define SEV_NOTICE 5
#define SEV_INFO 6
#define SD_ID "scoperun@32473"

static int noted;

static void
note_once(const char *sock, const char *why)
{
	if (noted)
		return;
	noted = 1;
	fprintf(stderr, "scoperun: audit: the record was not forwarded to "
	    "syslog (%s): %s\n", sock, why);
}

/* RFC 5424 fields are printable ASCII without spaces; anything else, or
 * nothing, is the nil value. */
static const char *
field(const char *s, size_t max)
{
	size_t i;

	if (s == NULL || s[0] == '\0')
		return "-";
	for (i = 0; s[i] != '\0'; i++)
		if (i >= max || s[i] < 33 || s[i] > 126)
			return "-";
	return s;
}

/* The record's own ts ({"seq":N,"ts":"...Z"), or the nil value. */
static void
record_time(char *buf, size_t size, const char *line, size_t len)
{
	const char *p = memchr(line, ',', len < 32 ? len : 32);

	snprintf(buf, size, "-");
	if (p != NULL && (size_t)(line + len - p) > 7 + 24 &&
	    memcmp(p, ",\"ts\":\"", 7) == 0 && p[7 + 24] == '"')
		snprintf(buf, size, "%.24s", p + 7);
}

void
audit_syslog_forward(int forward, const char *event, const char *line,
    size_t len, uint64_t seq, const unsigned char hash[SR_AUDIT_HASH_BYTES])
{
	const sr_settings *set = sr_settings_get();
	const char *sock = set->syslog_socket;
	struct sockaddr_un sa;
	char head[640], ts[32], host[256], hhex[65];
	char *msg;
	size_t hlen;
	ssize_t n;
	int fd, sev;

	if (!forward && !set->audit_syslog)
		return;
	if (sock == NULL || sock[0] == '\0')
		sock = "/dev/log";
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(sock) >= sizeof(sa.sun_path)) {
		note_once(sock, "socket path too long");
		return;
	}
	memcpy(sa.sun_path, sock, strlen(sock));
	if (gethostname(host, sizeof(host)) != 0)
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
	record_time(ts, sizeof(ts), line, len);
	sodium_bin2hex(hhex, sizeof(hhex), hash, SR_AUDIT_HASH_BYTES);
	sev = event != NULL && (strcmp(event, "deny") == 0 ||
	    strcmp(event, "recovery") == 0) ? SEV_NOTICE : SEV_INFO;
	snprintf(head, sizeof(head), "<%d>1 %s %s scoperun %ld %s [" SD_ID
	    " seq=\"%llu\" hash=\"%s\"] ", FACILITY_AUTHPRIV * 8 + sev, ts,
	    field(host, 255), (long)getpid(), field(event, 32),
	    (unsigned long long)seq, hhex);
	hlen = strlen(head);
	if ((msg = malloc(hlen + len)) == NULL) {
		note_once(sock, "out of memory");
		return;
	}
	memcpy(msg, head, hlen);
	memcpy(msg + hlen, line, len);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0) {
		note_once(sock, strerror(errno));
		free(msg);
		return;
	}
	do {
		n = sendto(fd, msg, hlen + len, MSG_DONTWAIT | MSG_NOSIGNAL,
		    (struct sockaddr *)&sa, sizeof(sa));
	} while (n < 0 && errno == EINTR);
	if (n != (ssize_t)(hlen + len))
		note_once(sock, n < 0 ? strerror(errno) : "short send");
	close(fd);
	free(msg);
}
