"""What-if editions shared by the audit and replay tests."""

#: What if the Bazhong community-hospital ratio had been 95 % (002 ch.3 十一问 says 90 %)?
COMMUNITY_95_PATCH = """
patch: community-95
base: bazhong-resident
description: What if community hospitals paid 95 %?
parameters:
  inpatient.ratio:
    values:
      - from: 2025-01-01
        reference: {document: bz-handbook-2025, section: "002 ch.3 十一问 (what-if)"}
        value:
          community: {adult: "0.95", student_or_minor: "0.95"}
          unrated: {adult: "0.80", student_or_minor: "0.80"}
          level1: {adult: "0.80", student_or_minor: "0.80"}
          level2: {adult: "0.70", student_or_minor: "0.70"}
          level3: {adult: "0.60", student_or_minor: "0.60"}
"""
