package org.gridpacs.gateway.cli;

import java.io.PrintWriter;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.Callable;

import org.gridpacs.federation.site.FederationSettings;
import org.gridpacs.federation.site.SiteCertificates;
import org.gridpacs.pki.Certificates;
import org.gridpacs.pki.KeyType;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pacs federation-certs}: this site's CA and its gateway's certificate for federation (mutual TLS between
 * sites), trusting another site's CA, revoking a certificate. Files where conf/federation.properties says.
 */
@Command(name = "federation-certs",
        description = {"Make this site's certificate authority and its federation gateway's key store (subject "
                + "CN=<federation.ae-title>, O=<federation.site-name>), the trust store and the password file, where "
                + "conf/federation.properties (federation.tls.*) says; files already there are kept.",
                "With --import-ca, trust another site's CA (or a national CA) instead: the file it gave you "
                        + "(site-ca.pem, PEM or DER).",
                "With --revoke or --revoke-serial, revoke a certificate this site's CA issued: federation.tls.crl "
                        + "lists it; give that file to the other sites (their federation.tls.remote-crls).",
                "Private keys and passwords are never printed."},
        footer = {"", "Examples:", "  pacs federation-certs",
                "  pacs federation-certs --import-ca /media/usb/site-b-ca.pem --alias site-b",
                "  pacs federation-certs --revoke var/federation/tls/gateway.pem"})
final class FederationCertsCommand implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE",
            description = "The federation settings (default: conf/federation.properties in the GridPACS folder).")
    Path config;

    @Option(names = "--run-dir", paramLabel = "DIR",
            description = "The run folder that relative paths in the settings are in (default: var in the GridPACS "
                    + "folder, as scripts/run --single; var/cluster for the cluster).")
    Path runDir;

    @Option(names = "--host", split = ",", paramLabel = "HOST", defaultValue = "127.0.0.1,localhost",
            description = "Host names or IP addresses the gateway is reached at, in its certificate's "
                    + "subjectAltName (default: ${DEFAULT-VALUE}).")
    List<String> hosts;

    @Option(names = "--days", paramLabel = "N", defaultValue = "3650",
            description = "Validity of a new CA and certificate in days (default: ${DEFAULT-VALUE}).")
    int days;

    @Option(names = "--key-type", paramLabel = "TYPE", defaultValue = "ec",
            description = "Key type of new keys: ec (P-256) or rsa (3072 bits) (default: ${DEFAULT-VALUE}).")
    KeyType keyType;

    @Option(names = "--pem", description = "Also write the gateway's key and certificate as PEM ("
            + SiteCertificates.KEY_PEM + ", owner only; " + SiteCertificates.CERT_PEM + "), for DCMTK or Orthanc.")
    boolean pem;

    @Option(names = "--import-ca", paramLabel = "FILE", description = "Trust this CA certificate (PEM or DER).")
    Path importCa;

    @Option(names = "--alias", paramLabel = "NAME", description = "The trust store alias of an imported CA "
            + "(default: the file name without extension).")
    String alias;

    @Option(names = "--revoke", paramLabel = "CERT", description = "Revoke this certificate (PEM or DER file).")
    Path revoke;

    @Option(names = "--revoke-serial", paramLabel = "HEX", description = "Revoke the certificate of this serial "
            + "number (hexadecimal), issued by this site's CA.")
    String revokeSerial;

    @Option(names = "--crl-days", paramLabel = "N", defaultValue = "365",
            description = "How long the revocation list written is valid (default: ${DEFAULT-VALUE}); after that "
                    + "every site that reads it refuses everyone until a newer one comes (run --revoke-serial again "
                    + "with a revoked serial to refresh it).")
    int crlDays;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        int modes = (importCa != null ? 1 : 0) + (revoke != null ? 1 : 0) + (revokeSerial != null ? 1 : 0);
        if (modes > 1) {
            throw new UsageException("give one of --import-ca, --revoke, --revoke-serial");
        }
        if (days < 1 || crlDays < 1) {
            throw new UsageException("--days and --crl-days must be at least 1");
        }
        Path home = Path.of(System.getProperty("pacs.home", "."));
        Path cfgFile = config != null ? config : home.resolve("conf/federation.properties");
        Path run = runDir != null ? runDir : home.resolve("var");
        FederationSettings settings = FederationSettings.load(cfgFile, run);
        SiteCertificates certs = new SiteCertificates(settings.tls());
        PrintWriter w = spec.commandLine().getOut();
        if (importCa != null) {
            String name = alias != null ? alias : importCa.getFileName().toString().replaceFirst("\\.[^.]*$", "");
            List<X509Certificate> added;
            try {
                added = certs.importCa(importCa, name);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--alias: " + e.getMessage());
            }
            if (added.isEmpty()) {
                w.printf("%s already trusts %s%n", settings.tls().trustStore(), importCa);
            }
            for (X509Certificate c : added) {
                w.printf("Trusted %s (as %s, valid until %s) in %s; restart the gateway to apply%n",
                        c.getSubjectX500Principal().getName(), name, date(c), settings.tls().trustStore());
            }
            return 0;
        }
        if (revoke != null || revokeSerial != null) {
            BigInteger serial;
            if (revoke != null) {
                serial = certs.serialOf(revoke);
            } else {
                try {
                    serial = new BigInteger(revokeSerial.replace(":", ""), 16);
                } catch (NumberFormatException e) {
                    throw new UsageException("--revoke-serial: '" + revokeSerial + "' is not a hexadecimal number");
                }
            }
            SiteCertificates.Revocation r = certs.revoke(serial, crlDays);
            w.printf("%s certificate serial %s%n", r.alreadyRevoked() ? "Already revoked:" : "Revoked", serial.toString(16));
            w.printf("%s lists %d revoked certificate(s), valid until %s. This gateway reads it within a second; "
                    + "give it to the other sites (federation.tls.remote-crls).%n", r.crl(), r.revokedCount(),
                    LocalDate.ofInstant(r.nextUpdate(), ZoneOffset.UTC));
            return 0;
        }
        SiteCertificates.Init r;
        try {
            r = certs.init(settings.siteName(), settings.aeTitle(), hosts, days, keyType);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        w.printf("%s %s: the site CA (%s, valid until %s); keep it private, it is needed to revoke%n",
                r.caWritten() ? "Wrote" : "Using", r.caKeyStore(), r.ca().getSubjectX500Principal().getName(), date(r.ca()));
        w.printf("%s %s: the gateway's key store (%s, %s, valid until %s)%n", r.gatewayWritten() ? "Wrote" : "Kept ",
                settings.tls().keyStore(), r.gateway().getSubjectX500Principal().getName(),
                String.join(" ", Certificates.names(r.gateway())), date(r.gateway()));
        w.printf("Trust store %s: %d CA(s); password in %s%n", settings.tls().trustStore(), certs.trusted().size(),
                settings.tls().passwordFile());
        w.printf("Give %s to the other sites: each imports it with pacs federation-certs --import-ca%n", r.caPem());
        if (pem) {
            for (Path p : certs.exportGatewayPem()) {
                w.printf("Wrote %s%n", p);
            }
        }
        return 0;
    }

    private static LocalDate date(X509Certificate c) {
        return LocalDate.ofInstant(c.getNotAfter().toInstant(), ZoneOffset.UTC);
    }
}
