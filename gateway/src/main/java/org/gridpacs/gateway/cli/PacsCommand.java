package org.gridpacs.gateway.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.security.GeneralSecurityException;

import org.gridpacs.dicom.Implementation;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/** {@code pacs}: the GridPACS command-line tool for PACS administrators. */
@Command(name = "pacs", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT, // -h, -V in every command
        versionProvider = PacsCommand.Version.class,
        description = "DICOM network tool of GridPACS: verify, send, query, retrieve and receive DICOM instances.",
        subcommands = {EchoCommand.class, StoreCommand.class, FindCommand.class, MoveCommand.class, GetCommand.class,
                ReceiveCommand.class, NodeCommand.class, DumpCommand.class, SyntheticCtCommand.class, DoseCommand.class,
                DoseRequestCommand.class, DoseWorkerCommand.class, ClusterCertsCommand.class, FederationCertsCommand.class,
                HttpUserCommand.class, HttpCertCommand.class, GridCommand.class, AuditCommand.class,
                ExportCommand.class, HelpCommand.class},
        footer = {"", "Examples:",
                "  pacs echo -c PACS@pacs:104",
                "  pacs store -c PACS@pacs:104 --parallel 8 /data/export",
                "  pacs find -c PACS@pacs:104 -L STUDY -m PatientID=12345 -m StudyDate=20240101-",
                "  pacs move -c PACS@pacs:104 --dest WS -L STUDY -m StudyInstanceUID=1.2.3",
                "  pacs get -c PACS@pacs:104 -L STUDY -m StudyInstanceUID=1.2.3 --directory st",
                "  pacs receive -b PACS-CLI:11112 --directory /data/incoming",
                "  pacs cluster-certs --out conf/cluster-tls --nodes node1,node2,node3",
                "  pacs federation-certs --import-ca site-b-ca.pem --alias site-b",
                "  pacs http-user add physicist",
                "  pacs audit --since 2h --event export",
                "  pacs export --study 1.2.3 --to SITE-B --deidentify basic",
                "  pacs dose-request --server http://pacs:8080 --study 1.2.3 --plan 1.2.3.4 --uncertainty 2",
                "  pacs dose --phantom water --beam 6mv --field 10x10 --ssd 100 --voxel 0.3 --uncertainty 1 --out dose-out",
                "",
                "Exit status: 0 when everything succeeded, 1 when anything failed, 2 for a usage error.",
                "Run 'pacs COMMAND --help' for the options of a command."})
public final class PacsCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "Log every DICOM message and association detail (DEBUG).")
    void setVerbose(boolean verbose) {
        if (verbose) {
            ((Logger) LoggerFactory.getLogger("org.gridpacs")).setLevel(Level.DEBUG);
        }
    }

    @Option(names = {"-q", "--quiet"}, scope = ScopeType.INHERIT, description = "Log only warnings and errors.")
    void setQuiet(boolean quiet) {
        if (quiet) {
            ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
        }
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command: one of echo, store, find, move, get, receive, node, dump, synthetic-ct, dose, dose-request, dose-worker, cluster-certs, federation-certs, http-user, grid, audit, export");
    }

    /** The command line with our error handling; tests use it to run commands in-process. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new PacsCommand());
        cl.setExecutionExceptionHandler(PacsCommand::handle);
        cl.setParameterExceptionHandler(PacsCommand::usageError);
        cl.setCaseInsensitiveEnumValuesAllowed(true); // -L study, -M studyroot
        return cl;
    }

    public static void main(String[] args) {
        int status = commandLine().execute(args);
        System.exit(status);
    }

    /** A bad command line: what is wrong and where to look, not the whole help page (exit status 2). */
    private static int usageError(ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        PrintWriter err = cl.getErr();
        String name = cl.getCommandSpec().qualifiedName(" ");
        err.println(name + ": " + ex.getMessage());
        UnmatchedArgumentException.printSuggestions(ex, err);
        err.println("Try '" + name + " --help' for more information.");
        return cl.getCommandSpec().exitCodeOnInvalidInput();
    }

    /**
     * Failures while running: one line naming the command and the problem, no stack trace (an administrator
     * needs the reason, not our internals) except for what can only be a bug.
     */
    private static int handle(Exception ex, CommandLine cl, ParseResult parsed) {
        PrintWriter err = cl.getErr();
        String name = cl.getCommandSpec().qualifiedName(" ");
        if (ex instanceof UsageException) {
            err.println(name + ": " + ex.getMessage());
            err.println("Try '" + name + " --help' for more information.");
            return 2;
        }
        if (ex instanceof IOException || ex instanceof GeneralSecurityException) {
            String msg = ex.getMessage() != null ? ex.getMessage() : ex.getClass().getSimpleName();
            err.println(name + ": " + (ex instanceof GeneralSecurityException ? "TLS setup failed: " : "") + msg);
            return 1;
        }
        if (ex instanceof InterruptedException) {
            err.println(name + ": interrupted");
            return 130;
        }
        err.println(name + ": internal error: " + ex);
        ex.printStackTrace(err);
        return 1;
    }

    /** {@code pacs --version}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"pacs (GridPACS) " + Implementation.VERSION_NAME,
                    "Implementation Class UID " + Implementation.CLASS_UID};
        }
    }
}
