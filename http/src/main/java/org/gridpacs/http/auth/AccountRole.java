package org.gridpacs.http.auth;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The role an account holds ({@code conf/http-users.properties}), and the {@link Caller.Role rights} it grants:
 * {@code read} queries and retrieves, {@code upload} also stores (STOW-RS) and asks for dose jobs, {@code admin}
 * may do everything. An account line without a role is {@code admin}: before roles existed every account could do
 * everything, and an upgrade must not lock anybody out.
 */
public enum AccountRole {
    READ(EnumSet.of(Caller.Role.READ)),
    UPLOAD(EnumSet.of(Caller.Role.READ, Caller.Role.UPLOAD)),
    ADMIN(EnumSet.allOf(Caller.Role.class));

    private final Set<Caller.Role> rights;

    AccountRole(Set<Caller.Role> rights) {
        this.rights = Set.copyOf(rights);
    }

    public Set<Caller.Role> rights() {
        return rights;
    }

    /** The word written in the accounts file and given to {@code pacs http-user --role}. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** From its word (any case); IllegalArgumentException listing the roles. */
    public static AccountRole parse(String word) {
        try {
            return valueOf(word.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown role '" + word + "' (read, upload or admin)");
        }
    }
}
