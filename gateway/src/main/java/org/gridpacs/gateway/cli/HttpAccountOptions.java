package org.gridpacs.gateway.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

import picocli.CommandLine.Option;

/**
 * The account a command uses on a node's HTTP endpoints (HTTP Basic): {@code --user} (default admin) and its
 * password from {@code --password-file}, else the environment variable PACS_HTTP_PASSWORD, else, for admin, the
 * file the start scripts write (conf/http-admin.password). Never a password on the command line, where any local
 * user could read it in the process list.
 */
final class HttpAccountOptions {
    static final Path ADMIN_PASSWORD = Path.of("conf", "http-admin.password");

    @Option(names = "--user", defaultValue = "admin", paramLabel = "NAME",
            description = "HTTP account (default: ${DEFAULT-VALUE}).")
    String user;

    @Option(names = "--password-file", paramLabel = "FILE",
            description = "File whose first line is the account's password (default: PACS_HTTP_PASSWORD, else "
                    + "conf/http-admin.password for admin).")
    Path passwordFile;

    /** The Authorization header value. */
    String authorization() throws IOException {
        String password;
        String env = System.getenv("PACS_HTTP_PASSWORD");
        if (passwordFile != null) {
            password = firstLine(passwordFile);
        } else if (env != null && !env.isEmpty()) {
            password = env;
        } else if (user.equals("admin") && Files.isReadable(ADMIN_PASSWORD)) {
            password = firstLine(ADMIN_PASSWORD);
        } else {
            throw new UsageException("no password for HTTP account '" + user + "': give --password-file FILE or set "
                    + "PACS_HTTP_PASSWORD");
        }
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static String firstLine(Path file) throws IOException {
        java.util.List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty() || lines.get(0).isEmpty()) {
            throw new UsageException(file + " holds no password on its first line");
        }
        return lines.get(0);
    }
}
