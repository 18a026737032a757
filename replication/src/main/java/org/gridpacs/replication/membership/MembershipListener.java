package org.gridpacs.replication.membership;

public interface MembershipListener { void memberJoined(String node); void memberLeft(String node); }
