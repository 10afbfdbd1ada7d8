"""Pages for senior managers and the performance team: the chain of supervision, the compliance
overview with server-rendered charts, and the service's findings."""
