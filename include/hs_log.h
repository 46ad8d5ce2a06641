/* hs_log.h - one line per request on stderr; never a secret, signature or body. */
#ifndef HS_LOG_H
#define HS_LOG_H

struct hs_log_line {
	const char	*endpoint;	/* hostile: escaped and cut */
	const char	*event;		/* hostile: escaped and cut */
	int		 status;
	const char	*outcome;	/* accepted, duplicate, error, ... */
	const char	*id;
	const char	*queue;
	const char	*error;
	long		 micros;
};

void	hs_log_request(const struct hs_log_line *l);
/* A free-form line ("config: endpoints.x.secrets[0]: ..."), escaped. */
void	hs_log_msg(const char *what, const char *detail);

#endif
