package org.gridpacs.dicom.net.pdu;

import java.util.Arrays;

/**
 * User Identity Negotiation sub-item of an AC (0x59, PS3.7 D.3.3.7.2): the server response (e.g. a
 * Kerberos server ticket or SAML response), empty for user name types. Not printed by toString.
 */
public record UserIdentityAC(byte[] serverResponse) {
    public UserIdentityAC {
        serverResponse = serverResponse.clone();
        Bytes.checkU16("server response length", serverResponse.length);
    }

    @Override
    public byte[] serverResponse() {
        return serverResponse.clone();
    }

    byte[] serverResponseUnsafe() {
        return serverResponse;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UserIdentityAC u && Arrays.equals(serverResponse, u.serverResponse);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(serverResponse);
    }

    @Override
    public String toString() {
        return "UserIdentityAC[" + serverResponse.length + " bytes]";
    }
}
