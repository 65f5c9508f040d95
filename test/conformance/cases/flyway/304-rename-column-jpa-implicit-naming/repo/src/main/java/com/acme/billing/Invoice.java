package com.acme.billing;

import jakarta.persistence.*;
import java.time.Instant;

@Entity
@Table(name = "invoices")
public class Invoice {
  @Id
  private Long id;

  @Column(name = "account_id", nullable = false)
  private Long accountId;

  private String status;

  @Column(name = "amount_cents")
  private Long amountCents;

  private Instant issuedAt;
}
