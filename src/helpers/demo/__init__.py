"""Synthetic demonstration data for the demo pack (``data/demo/``): seeded generators, nothing real.

* :mod:`helpers.demo.sen2`: a SEN2 person-level XML and an EP workforce file for the fictional LA "Northby";
* :mod:`helpers.demo.ees`: a DfE "Education, health and care plans" release in the real file layout, with the
  real LA names and codes but synthetic numbers, plus Northby, whose figures are taken from the SEN2 file's
  annual totals so the two sources agree.

``python -m helpers.demo`` (``make demo-data``) regenerates everything deterministically from one seed.
"""
