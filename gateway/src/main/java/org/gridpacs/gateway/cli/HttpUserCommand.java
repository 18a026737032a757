package org.gridpacs.gateway.cli;

import java.io.Console;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.Callable;

import org.gridpacs.http.auth.AccountRole;
import org.gridpacs.http.auth.UserAccounts;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pacs http-user}: the accounts of the nodes' user HTTP endpoints (dose jobs, DICOMweb). */
@Command(name = "http-user",
        description = {"Adds, removes and lists the accounts that may use the nodes' HTTP endpoints (DICOMweb, the "
                + "viewer, dose jobs) when they are open to the network (http.access = network in conf/node.properties; "
                + "on loopback no login is asked). The file holds salted PBKDF2 hashes only; every node reads it "
                + "(http.users) and notices changes within seconds, without a restart.",
                "Roles: read (query and retrieve, the viewer), upload (also store: STOW-RS, dose jobs), admin "
                        + "(everything). An account line without a role (written before roles) is admin."},
        subcommands = {HttpUserCommand.Add.class, HttpUserCommand.Remove.class, HttpUserCommand.List.class},
        footer = {"", "Examples:",
                "  pacs http-user add physicist --role upload         (asks for the password)",
                "  PACS_HTTP_PASSWORD=... pacs http-user add viewer   (a new account without --role: read)",
                "  pacs http-user add admin --role admin --generate conf/http-admin.password",
                "  pacs http-user list"})
final class HttpUserCommand implements Runnable {
    static final String DEFAULT_FILE = "conf/http-users.properties";
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new UsageException("say what to do: add, remove or list");
    }

    /** {@code --file}: the accounts file every subcommand works on. */
    static final class AccountsFile {
        @Option(names = "--file", defaultValue = DEFAULT_FILE, paramLabel = "FILE", description = "Accounts file (default: ${DEFAULT-VALUE}).")
        Path file;
    }

    /** {@code pacs http-user add NAME}. */
    @Command(name = "add", description = "Adds an account, or sets a new password for an existing one.")
    static final class Add implements Callable<Integer> {
        @Parameters(paramLabel = "NAME", description = "Account name (letters, digits, . _ @ -).")
        String name;
        @picocli.CommandLine.Mixin
        AccountsFile accounts = new AccountsFile();
        @Option(names = "--password-file", paramLabel = "FILE", description = "Read the password from the first line of FILE.")
        Path passwordFile;
        @Option(names = "--generate", paramLabel = "FILE",
                description = "Make a random password and write it to FILE (readable by its owner only).")
        Path generate;
        @Option(names = "--if-none", description = "Only if the file holds no account yet (what the start scripts use).")
        boolean ifNone;
        @Option(names = "--role", paramLabel = "ROLE", converter = RoleConverter.class,
                description = "read, upload or admin (default: an existing account keeps its role, a new one is read).")
        AccountRole role;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            if (ifNone && !UserAccounts.load(accounts.file).isEmpty()) {
                return 0;
            }
            AccountRole given = role;
            if (given == null) {
                AccountRole existing = UserAccounts.load(accounts.file).roleOf(name);
                given = existing != null ? existing : AccountRole.READ;
            }
            char[] password = password();
            try {
                UserAccounts.put(accounts.file, name, password, given);
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            } finally {
                Arrays.fill(password, '\0');
            }
            spec.commandLine().getOut().printf("Account '%s' (%s) saved in %s%s%n", name, given.word(), accounts.file,
                    generate != null ? "; its password is in " + generate : "");
            return 0;
        }

        private char[] password() throws IOException {
            if (generate != null) {
                byte[] random = new byte[18];
                new SecureRandom().nextBytes(random);
                String p = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
                Path dir = generate.toAbsolutePath().getParent();
                Files.createDirectories(dir);
                Files.deleteIfExists(generate);
                Files.createFile(generate, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(generate, p + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
                return p.toCharArray();
            }
            if (passwordFile != null) {
                java.util.List<String> lines = Files.readAllLines(passwordFile, StandardCharsets.UTF_8);
                if (lines.isEmpty() || lines.get(0).isEmpty()) {
                    throw new UsageException(passwordFile + " holds no password on its first line");
                }
                return lines.get(0).toCharArray();
            }
            String env = System.getenv("PACS_HTTP_PASSWORD");
            if (env != null && !env.isEmpty()) {
                return env.toCharArray();
            }
            Console console = System.console();
            if (console == null) {
                throw new UsageException("no password: give --password-file, --generate or PACS_HTTP_PASSWORD");
            }
            char[] first = console.readPassword("Password for %s: ", name);
            char[] again = console.readPassword("Again: ");
            if (first == null || !Arrays.equals(first, again)) {
                throw new UsageException("the two passwords differ");
            }
            return first;
        }
    }

    /** {@code pacs http-user remove NAME}. */
    @Command(name = "remove", description = "Removes an account.")
    static final class Remove implements Callable<Integer> {
        @Parameters(paramLabel = "NAME")
        String name;
        @picocli.CommandLine.Mixin
        AccountsFile accounts = new AccountsFile();
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            if (!UserAccounts.remove(accounts.file, name)) {
                spec.commandLine().getErr().printf("pacs http-user remove: no account '%s' in %s%n", name, accounts.file);
                return 1;
            }
            spec.commandLine().getOut().printf("Account '%s' removed from %s%n", name, accounts.file);
            return 0;
        }
    }

    /** {@code pacs http-user list}. */
    @Command(name = "list", description = "Lists the accounts and their roles, NAME ROLE (never the passwords).")
    static final class List implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        AccountsFile accounts = new AccountsFile();
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            UserAccounts.load(accounts.file).roles().forEach((name, r) ->
                    spec.commandLine().getOut().println(name + " " + r.word()));
            return 0;
        }
    }

    /** {@code --role read|upload|admin}, any case; a wrong word is a usage error naming the three. */
    static final class RoleConverter implements picocli.CommandLine.ITypeConverter<AccountRole> {
        @Override
        public AccountRole convert(String value) {
            try {
                return AccountRole.parse(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
