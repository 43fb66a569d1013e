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

#: What if Bazhong's routine assistance for 低保 members had been 80 % (002 ch.6 五问 (一) says 70 %)?
MINIMUM_LIVING_80_PATCH = """
patch: minimum-living-80
base: bazhong-resident
description: What if routine assistance paid 低保 members 80 %?
parameters:
  assistance.regular.ratio:
    values:
      - from: 2025-01-01
        reference: {document: bz-handbook-2025, section: "002 ch.6 五问 (一) 常规救助 (what-if)"}
        value:
          extreme_poverty: "1"
          orphan: "1"
          minimum_living: "0.80"
          monitored: "0.65"
          near_minimum: "0.50"
          illness_poverty: "0.50"
"""
