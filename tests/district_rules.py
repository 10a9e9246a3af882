"""A district's own rule (YX001) and a document that trips it and a built-in rule (ME301): the
configuration and discovery tests share them."""

DISTRICT_RULE = """\
family: YX
title: 云溪县本地词库
rules:
  - code: YX001
    name: county-platform-company
    title: 指定县属平台公司承担业务
    provisions: [FCR-8-3, FCRIM-11-1]
    severity: error
    message: 指定县属平台公司承担应通过竞争方式确定的业务。
    suggestion: 改为通过公开招标等竞争方式确定承接主体。
    patterns:
      - any: [云溪城投, 云溪县城市建设投资有限公司]
        all: [[负责, 承担, 实施, 承接, 统一]]
    examples:
      violation:
        - 县城区道路保洁统一由云溪城投负责实施。
        - 全县农村公路养护由云溪县城市建设投资有限公司承担。
      compliant:
        - 不得指定云溪城投承担应当通过竞争方式确定的业务。
        - 云溪城投作为县属国有企业，依法参与市场竞争。
"""

#: one clause for the district rule, one for a built-in rule (ME301, designated supplier).
DOCUMENT = """\
云溪县城区环境卫生管理办法

第一条 为加强城区环境卫生管理，制定本办法。
第二条 县城区道路保洁统一由云溪城投负责实施。
第三条 各单位办公用品须到指定的供应商处购买。
"""
