package org.gridpacs.federation.site;

import java.util.Set;

import javax.security.auth.x500.X500Principal;

/**
 * Another hospital's gateway: its site name and AE title (which its certificate must name, {@link SiteIdentity}),
 * where it listens (DICOM over TLS), what it may do here and what we may do there.
 *
 * @param id          the key in {@code conf/federation.properties} ({@code federation.remote.<id>.*})
 * @param issuer      the CA that must have issued its certificate, or null for any trusted CA
 * @param allowedHere what the site may ask of us
 * @param allowedThere what we may ask of it (our own bound; the site decides too)
 */
public record RemoteSite(String id, String name, String aeTitle, String host, int port, X500Principal issuer,
                         Set<Permission> allowedHere, Set<Permission> allowedThere) {
    public RemoteSite {
        allowedHere = Set.copyOf(allowedHere);
        allowedThere = Set.copyOf(allowedThere);
    }

    public boolean mayHere(Permission p) {
        return allowedHere.contains(p);
    }

    public boolean mayThere(Permission p) {
        return allowedThere.contains(p);
    }

    @Override
    public String toString() {
        return name + " (" + aeTitle + "@" + host + ":" + port + ")";
    }
}
