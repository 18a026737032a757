package org.gridpacs.dicom.net.pdu;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * User Identity Negotiation sub-item of an RQ (0x58, PS3.7 D.3.3.7.1). The fields are bytes because
 * their content depends on the type (UTF-8 text for user names and passcodes, tokens otherwise).
 * {@link #toString()} never prints the fields: they are credentials.
 *
 * @param userIdentityType {@code USERNAME}..{@code JWT}
 * @param positiveResponseRequested whether the acceptor should answer with a {@link UserIdentityAC}
 * @param primaryField user name, Kerberos ticket, SAML assertion or JWT
 * @param secondaryField passcode for {@code USERNAME_AND_PASSCODE}, otherwise empty
 */
public record UserIdentityRQ(int userIdentityType, boolean positiveResponseRequested,
                             byte[] primaryField, byte[] secondaryField) {
    public static final int USERNAME = 1;
    public static final int USERNAME_AND_PASSCODE = 2;
    public static final int KERBEROS = 3;
    public static final int SAML = 4;
    public static final int JWT = 5;

    public UserIdentityRQ {
        AAssociateRJ.checkByte("userIdentityType", userIdentityType);
        primaryField = primaryField.clone();
        secondaryField = secondaryField == null ? new byte[0] : secondaryField.clone();
        Bytes.checkU16("primary field length", primaryField.length);
        Bytes.checkU16("secondary field length", secondaryField.length);
    }

    public static UserIdentityRQ username(String username, boolean positiveResponseRequested) {
        return new UserIdentityRQ(USERNAME, positiveResponseRequested, utf8(username), null);
    }

    public static UserIdentityRQ usernameAndPasscode(String username, String passcode, boolean positiveResponseRequested) {
        return new UserIdentityRQ(USERNAME_AND_PASSCODE, positiveResponseRequested, utf8(username), utf8(passcode));
    }

    @Override
    public byte[] primaryField() {
        return primaryField.clone();
    }

    @Override
    public byte[] secondaryField() {
        return secondaryField.clone();
    }

    byte[] primaryUnsafe() {
        return primaryField;
    }

    byte[] secondaryUnsafe() {
        return secondaryField;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UserIdentityRQ u && userIdentityType == u.userIdentityType
                && positiveResponseRequested == u.positiveResponseRequested
                && Arrays.equals(primaryField, u.primaryField) && Arrays.equals(secondaryField, u.secondaryField);
    }

    @Override
    public int hashCode() {
        return (userIdentityType * 31 + Boolean.hashCode(positiveResponseRequested)) * 31 * 31
                + Arrays.hashCode(primaryField) * 31 + Arrays.hashCode(secondaryField);
    }

    @Override
    public String toString() {
        return "UserIdentityRQ[type=" + userIdentityType + ", positiveResponseRequested=" + positiveResponseRequested
                + ", primary=" + primaryField.length + " bytes, secondary=" + secondaryField.length + " bytes]";
    }
}
