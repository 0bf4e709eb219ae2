/**
 * Naming a Docker host for messages: which engine a `DOCKER_HOST`-style
 * string most likely points at. Pure.
 */

/**
 * Where a docker host string usually comes from, for messages. Socket paths:
 * Colima `~/.colima/<profile>/docker.sock`, Docker Desktop
 * `~/.docker/run/docker.sock`, Lima `~/.lima/<vm>/sock/docker.sock`, rootless
 * `$XDG_RUNTIME_DIR/docker.sock`, the system daemon `/var/run/docker.sock`.
 */
export function describeDockerHost(host: string): string {
  if (/\/\.colima\//.test(host)) return "a Colima VM socket";
  if (/\/\.docker\/(run|desktop)\/docker\.sock$/.test(host) || /docker_engine/.test(host)) return "the Docker Desktop socket";
  if (/\/\.lima\//.test(host)) return "a Lima VM socket";
  if (/^unix:\/\/\/run\/user\/\d+\//.test(host)) return "a rootless Docker socket";
  if (/^unix:\/\/\/(var\/)?run\/docker\.sock$/.test(host)) return "the system Docker socket";
  if (/^tcp:\/\//.test(host)) return "a remote Docker host over TCP";
  if (/^ssh:\/\//.test(host)) return "a remote Docker host over ssh";
  return "a Docker host";
}
