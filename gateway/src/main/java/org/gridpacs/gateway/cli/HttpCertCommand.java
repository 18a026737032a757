package org.gridpacs.gateway.cli;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

import org.gridpacs.http.SiteCertificates;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pacs http-cert}: the site certificate of the HTTPS user entry (http.access = network). */
@Command(name = "http-cert",
        description = {"Make the site certificate for HTTPS on the HTTP entry (DICOMweb, the viewer) when it is open "
                + "to the network (http.access = network in conf/node.properties): a private site CA and a "
                + "certificate it signs for the given host names, as site.p12 (the nodes; its random password in "
                + "site.password) and site.pem (HAProxy), in --out.",
                "Import site-ca.pem into the browsers and DICOMweb clients of the site. An existing certificate is "
                        + "kept unless --renew; a site with a certificate of its own puts it in site.p12 and site.pem."},
        footer = {"", "Example:", "  pacs http-cert --host pacs.hospital.example,10.0.0.10"})
final class HttpCertCommand implements Callable<Integer> {
    @Option(names = "--out", paramLabel = "DIR", defaultValue = "conf/http-tls",
            description = "Folder for the files (default: ${DEFAULT-VALUE}, where conf/node.properties looks).")
    Path out;

    @Option(names = "--host", split = ",", paramLabel = "NAME",
            description = "Host names and IP addresses the clients reach the entry by (default: this machine's name, "
                    + "localhost and 127.0.0.1; always added: localhost, 127.0.0.1, which HAProxy uses for the nodes).")
    List<String> hosts;

    @Option(names = "--days", paramLabel = "N", defaultValue = "825",
            description = "Validity in days (default: ${DEFAULT-VALUE}, what browsers accept for a server certificate).")
    int days;

    @Option(names = "--renew", description = "Make a new certificate even if there is one (same CA).")
    boolean renew;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (days < 1) {
            throw new UsageException("--days must be at least 1");
        }
        Set<String> names = new LinkedHashSet<>();
        if (hosts != null) {
            hosts.stream().map(String::trim).filter(h -> !h.isEmpty()).forEach(names::add);
        } else {
            names.add(InetAddress.getLocalHost().getCanonicalHostName());
        }
        names.add("localhost");
        names.add("127.0.0.1");
        SiteCertificates.Result r;
        try {
            r = SiteCertificates.write(out, new ArrayList<>(names), Duration.ofDays(days), renew);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        PrintWriter w = spec.commandLine().getOut();
        w.printf("%s %s: %s, for %s, valid until %s%n", r.written() ? "Wrote" : "Kept ", r.keyStore(),
                r.certificate().getSubjectX500Principal().getName(), r.certificate().getSubjectAlternativeNames()
                        .stream().map(san -> String.valueOf(san.get(1))).toList(),
                LocalDate.ofInstant(r.certificate().getNotAfter().toInstant(), ZoneOffset.UTC));
        if (r.written()) {
            w.printf("Wrote %s (HAProxy) and %s (its password; owner only). Clients trust %s%n",
                    out.resolve(SiteCertificates.PEM), out.resolve(SiteCertificates.PASSWORD_FILE),
                    out.resolve(SiteCertificates.CA_PEM));
        }
        return 0;
    }
}
