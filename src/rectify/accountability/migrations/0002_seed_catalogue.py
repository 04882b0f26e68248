"""Reference data: the catalogue of the accountability regulations (《中国共产党问责条例》, 2019).

Texts are faithful summaries of the articles (DOMAIN.md §3); the admin corrects wording, articles and impact
periods on 系统管理 → 问责规则目录, so what a locality uses is data, not code. Rows are created only when their
code is missing: running this again never overwrites an admin's edits.
"""

from django.db import migrations

ART7 = "第七条第（{}）项"

CIRCUMSTANCES = [
    # (code, name, article, description, parent code, is_rectification)
    ("weak_leadership", "党的领导弱化", ART7.format("一"),
     "党的领导弱化，“四个意识”不强，“两个维护”不力，党的理论和路线方针政策、党中央重大决策部署没有得到有效贯彻"
     "落实，在推动经济社会发展或者处置本地区本部门本单位发生的重大问题中领导不力、出现重大失误，给党的事业和人民"
     "利益造成严重损失，产生恶劣影响。", None, False),
    ("political_building", "党的政治建设抓得不实", ART7.format("二"),
     "在重大原则问题上未能同党中央保持一致，贯彻民主集中制原则不到位，重大事项请示报告制度执行不力，管辖范围内"
     "党内政治生活不严肃不健康，党的政治纪律和政治规矩松弛，搞团团伙伙、结党营私、拉帮结派问题突出，造成不良影响。",
     None, False),
    ("ideological_building", "党的思想建设缺失", ART7.format("三"),
     "党性教育特别是理想信念宗旨教育流于形式，意识形态工作责任制落实不到位，造成严重不良后果。", None, False),
    ("organisational_building", "党的组织建设薄弱", ART7.format("四"),
     "党建工作责任制不落实，严重违反民主集中制原则，不执行领导班子议事决策规则，民主生活会、“三会一课”等党的组织"
     "生活制度不执行，领导干部报告个人有关事项制度执行不力，党组织软弱涣散，党员教育管理监督不力，选人用人问题"
     "突出，造成恶劣影响。", None, False),
    ("conduct_building", "党的作风建设松懈", ART7.format("五"),
     "落实中央八项规定及其实施细则精神不力，“四风”问题得不到有效整治，形式主义、官僚主义问题突出，执行党中央决策"
     "部署表态多调门高、行动少落实差，脱离实际、脱离群众，拖沓敷衍、推诿扯皮，造成严重后果。", None, False),
    ("discipline_building", "党的纪律建设抓得不严", ART7.format("六"),
     "维护党的政治纪律和政治规矩失职失责，导致违规违纪行为多发，造成恶劣影响。", None, False),
    ("clean_governance", "推进党风廉政建设和反腐败斗争不坚决、不扎实", ART7.format("七"),
     "管辖范围内腐败蔓延势头没有得到有效遏制，损害群众利益的不正之风和腐败问题突出，造成恶劣影响。", None, False),
    ("oversight_duty", "全面从严治党主体责任、监督责任落实不到位", ART7.format("八"),
     "对公权力的监督制约不力，好人主义盛行，不负责不担当，党内监督乏力，该发现的问题没有发现，发现问题不报告不处置，"
     "领导巡视巡察工作不力，落实巡视巡察整改要求走过场、不到位，该问责不问责，造成严重后果。", None, False),
    ("rectification_lax", "巡视巡察整改不力", ART7.format("八"),
     "对巡视巡察反馈问题整改责任不落实、措施不具体，整改进度严重滞后，或者逾期未完成整改且无正当理由。",
     "oversight_duty", True),
    ("rectification_perfunctory", "敷衍整改", ART7.format("八"),
     "落实整改要求走过场，避重就轻，以文件落实文件、以制度代替整改，问题实际没有解决（形式整改、纸面整改）。",
     "oversight_duty", True),
    ("rectification_false", "虚假整改", ART7.format("八"),
     "虚报整改进展和结果，编造、伪造佐证材料，或者已销号问题反弹回潮，查实并未整改到位。", "oversight_duty", True),
    ("rectification_refused", "拒不整改", ART7.format("八"),
     "对巡视巡察反馈问题拒不认领、拒不整改，或者对督办、提醒置之不理。", "oversight_duty", True),
    ("major_accident", "职责范围内发生重特大事故、事件", ART7.format("九"),
     "履行管理、监督职责不力，职责范围内发生重特大生产安全事故、群体性事件、公共安全事件，或者发生其他严重事故、"
     "事件，造成重大损失或者恶劣影响。", None, False),
    ("livelihood", "在群众切身利益问题上不作为、乱作为", ART7.format("十"),
     "在教育医疗、生态环境保护、食品药品安全、扶贫脱贫、社会保障等涉及人民群众最关心最直接最现实的利益问题上"
     "不作为、乱作为、慢作为、假作为，或者损害和侵占群众利益问题得不到整治，群众身边腐败和作风问题严重，造成恶劣"
     "影响。", None, False),
    ("other", "其他应当问责的失职失责情形", ART7.format("十一"),
     "兜底条款。适用时须写明具体的失职失责事实和依据，不得以兜底条款扩大问责范围，防止问责泛化、简单化。",
     None, False),
]

ORG = "第八条第一款第（{}）项"
PERSON = "第八条第二款第（{}）项"
DISCIPLINE = PERSON.format("四") + "；处分种类依《中国共产党纪律处分条例》"
RESIGN_BASIS = "因问责被责令辞职、免职的，一年内不安排领导职务，两年内不得担任高于原任职务层次的领导职务。"

FORMS = [
    # (code, name, article, description, applies_to, parent, disciplinary, promotion, leading, higher, basis)
    ("org_examination", "检查", ORG.format("一"), "责令作出书面检查并切实整改。",
     "organisation", None, False, None, None, None, ""),
    ("org_circulation", "通报", ORG.format("二"), "责令整改，并在一定范围内通报。",
     "organisation", None, False, None, None, None, ""),
    ("org_reorganisation", "改组", ORG.format("三"), "对失职失责，严重违犯党的纪律、本身又不能纠正的党组织，予以改组。",
     "organisation", None, False, None, None, None, ""),
    ("person_circulation", "通报", PERSON.format("一"),
     "进行严肃批评，责令作出书面检查、切实整改，并在一定范围内通报。", "person", None, False, None, None, None, ""),
    ("admonishment", "诫勉", PERSON.format("二"), "以谈话或者书面方式进行诫勉。", "person", None, False, 6, None, None,
     "受到诫勉的，六个月内不得提拔或者重用。"),
    ("organisational_adjustment", "组织调整或者组织处理", PERSON.format("三"),
     "对失职失责、危害较重，不适宜担任现职的，根据情况采取停职检查、调整职务、责令辞职、降职、免职等措施。"
     "影响期按所采取的措施计算。", "person", None, False, None, None, None, ""),
    ("suspension", "停职检查", PERSON.format("三"), "暂停履行职务，作出检查。",
     "person", "organisational_adjustment", False, None, None, None, ""),
    ("reassignment", "调整职务", PERSON.format("三"), "调离现任职务，另行安排工作。",
     "person", "organisational_adjustment", False, None, None, None, ""),
    ("ordered_resignation", "责令辞职", PERSON.format("三"), "责令其辞去现任领导职务。",
     "person", "organisational_adjustment", False, None, 12, 24, RESIGN_BASIS),
    ("demotion", "降职", PERSON.format("三"), "降低职务层次。",
     "person", "organisational_adjustment", False, 24, None, None, "被降职的，两年内不得提拔。"),
    ("removal", "免职", PERSON.format("三"), "免去现任领导职务。",
     "person", "organisational_adjustment", False, None, 12, 24, RESIGN_BASIS),
    ("party_discipline", "纪律处分", PERSON.format("四"),
     "对失职失责、危害严重，应当给予纪律处分的，依照《中国共产党纪律处分条例》追究纪律责任；按纪律处分程序另行"
     "办理，问责决定关联纪律处分记录。", "person", None, True, None, None, None, ""),
    ("discipline_warning", "警告", DISCIPLINE, "党纪处分中的警告。", "person", "party_discipline", True, 12, None, None,
     "受到警告处分一年内，不得在党内提升职务和向党外组织推荐担任高于其原任职务的党外职务。"),
    ("discipline_serious_warning", "严重警告", DISCIPLINE, "党纪处分中的严重警告。",
     "person", "party_discipline", True, 18, None, None,
     "受到严重警告处分一年半内，不得在党内提升职务和向党外组织推荐担任高于其原任职务的党外职务。"),
    ("discipline_removal_from_post", "撤销党内职务", DISCIPLINE, "党纪处分中的撤销党内职务。",
     "person", "party_discipline", True, 24, None, 24,
     "受到撤销党内职务处分的，二年内不得在党内担任和向党外组织推荐担任与其原任职务相当或者高于其原任职务的职务。"),
]

RESPONSIBILITY_TYPES = [
    ("overall", "全面领导责任", "第六条", "党组织领导班子在职责范围内负有全面领导责任。"),
    ("principal", "主要领导责任", "第六条", "领导班子主要负责人和直接主管的班子成员在职责范围内承担主要领导责任。"),
    ("important", "重要领导责任", "第六条", "参与决策和工作的班子其他成员在职责范围内承担重要领导责任。"),
]

ART17 = "第十七条第（{}）项"
FACTORS = [
    # (code, kind, name, article, description, evidence)
    ("pilot_reform_error", "exemption", "推进改革中因缺乏经验、先行先试出现的失误", ART17.format("一"),
     "在推进改革中因缺乏经验、先行先试出现的失误，可以免予问责（容错纠错“三个区分开来”之一）。",
     "改革试点或者先行先试的部署文件，以及决策过程记录。"),
    ("exploratory_trial_error", "exemption", "尚无明确限制的探索性试验中的失误", ART17.format("一"),
     "在尚无明确限制的探索性试验中出现的失误，可以免予问责（容错纠错“三个区分开来”之一）。",
     "探索性试验的决策记录，以及当时尚无明确限制性规定的说明。"),
    ("unintentional_development_error", "exemption", "为推动发展出现的无意过失", ART17.format("一"),
     "为推动发展出现的无意过失，可以免予问责（容错纠错“三个区分开来”之一）。",
     "决策依据和程序记录，以及本人未谋取私利的核查结论。"),
    ("objected_in_decision", "no_accountability", "在集体决策中对错误决策明确提出反对或者保留意见",
     ART17.format("二"), "在集体决策中对错误决策提出明确反对意见或者保留意见的，不予问责。",
     "会议记录或者会议纪要中本人明确提出反对意见或者保留意见的记载。"),
    ("duty_done_force_majeure", "no_accountability", "已履职尽责，因不可抗力、难以预见等因素造成损失",
     ART17.format("三"), "在决策实施中已经履职尽责，但因不可抗力、难以预见等因素造成损失的，不予问责。",
     "本人履职尽责的工作记录，以及不可抗力、难以预见因素的证明材料。"),
    ("timely_remedy", "mitigating", "及时采取补救措施", "第十八条",
     "问责对象及时采取补救措施的，可以从轻或者减轻问责。", "补救措施的文件和实施记录。"),
    ("loss_recovered", "mitigating", "有效挽回损失或者消除不良影响", "第十八条",
     "有效挽回损失或者消除不良影响的，可以从轻或者减轻问责。", "挽回损失的凭证（如资金退回凭证）或者消除影响的情况说明。"),
    ("active_cooperation", "mitigating", "积极配合问责调查工作，主动承担责任", "第十八条",
     "积极配合问责调查工作，主动承担责任的，可以从轻或者减轻问责。", "问责调查组关于配合情况的说明，以及本人的书面说明。"),
    ("defied_repeated_orders", "aggravating", "对三令五申的指示要求不执行或者执行不力", "第十九条第（一）项",
     "对党中央、上级党组织三令五申的指示要求，不执行或者执行不力的，应当从重或者加重问责。",
     "上级党组织的指示要求文件，以及督办、提醒记录。"),
    ("obstructed_investigation", "aggravating", "在问责调查中不如实报告、推卸责任或者弄虚作假", "第十九条第（二）项",
     "在接受问责调查和处理中，不如实报告情况，敷衍塞责、推卸责任，或者唆使、默许有关部门和人员弄虚作假，阻扰问责"
     "工作的，应当从重或者加重问责。", "调查中的谈话笔录和查证材料。"),
]

SOURCE = "《关于进一步激励广大干部新时代新担当新作为的意见》（2018年）“三个区分开来”；问责条例" + ART17.format("一")
FAULT_TOLERANCE = [
    # (code, name, description, tolerated, not tolerated, factor, evidence)
    ("pilot_vs_knowing", "先行先试的失误与明知故犯相区分",
     "把干部在推进改革中因缺乏经验、先行先试出现的失误错误，同明知故犯的违纪违法行为区分开来。",
     "因缺乏经验、先行先试出现的失误错误", "明知故犯的违纪违法行为", "pilot_reform_error",
     "改革试点或者先行先试的部署文件，以及证明并非明知故犯的决策过程记录。"),
    ("exploration_vs_defiance", "探索性试验的失误与明令禁止后我行我素相区分",
     "把尚无明确限制的探索性试验中的失误错误，同明令禁止后依然我行我素的违纪违法行为区分开来。",
     "尚无明确限制的探索性试验中的失误错误", "明令禁止后依然我行我素的违纪违法行为", "exploratory_trial_error",
     "决策时的政策依据，证明当时尚无明确的禁止性规定。"),
    ("development_vs_self_interest", "推动发展的无意过失与谋取私利相区分",
     "把为推动发展的无意过失，同为谋取私利的违纪违法行为区分开来。",
     "为推动发展的无意过失", "为谋取私利的违纪违法行为", "unintentional_development_error",
     "本人及亲属未从中谋取私利的核查结论，以及决策依据和程序记录。"),
]


def _missing(model, rows):
    existing = set(model.objects.values_list("code", flat=True))
    return [row for row in rows if row[0] not in existing]


def forwards(apps, schema_editor):
    Circumstance = apps.get_model("accountability", "Circumstance")
    AccountabilityForm = apps.get_model("accountability", "AccountabilityForm")
    ResponsibilityType = apps.get_model("accountability", "ResponsibilityType")
    Factor = apps.get_model("accountability", "Factor")
    FaultTolerance = apps.get_model("accountability", "FaultTolerance")

    order = {row[0]: (i + 1) * 10 for i, row in enumerate(CIRCUMSTANCES)}
    for code, name, article, description, parent, is_rectification in _missing(Circumstance, CIRCUMSTANCES):
        Circumstance.objects.create(
            code=code, name=name, article=article, description=description, sort_order=order[code],
            parent=Circumstance.objects.get(code=parent) if parent else None, is_rectification=is_rectification)

    order = {row[0]: (i + 1) * 10 for i, row in enumerate(FORMS)}
    for (code, name, article, description, applies_to, parent, disciplinary, promotion, leading, higher,
         basis) in _missing(AccountabilityForm, FORMS):
        AccountabilityForm.objects.create(
            code=code, name=name, article=article, description=description, sort_order=order[code],
            applies_to=applies_to, parent=AccountabilityForm.objects.get(code=parent) if parent else None,
            requires_disciplinary_record=disciplinary, no_promotion_months=promotion, no_leading_post_months=leading,
            no_higher_post_months=higher, impact_basis=basis)

    order = {row[0]: (i + 1) * 10 for i, row in enumerate(RESPONSIBILITY_TYPES)}
    for code, name, article, description in _missing(ResponsibilityType, RESPONSIBILITY_TYPES):
        ResponsibilityType.objects.create(code=code, name=name, article=article, description=description,
                                          sort_order=order[code])

    order = {row[0]: (i + 1) * 10 for i, row in enumerate(FACTORS)}
    for code, kind, name, article, description, evidence in _missing(Factor, FACTORS):
        Factor.objects.create(code=code, kind=kind, name=name, article=article, description=description,
                              sort_order=order[code], requires_evidence=True, evidence=evidence)

    order = {row[0]: (i + 1) * 10 for i, row in enumerate(FAULT_TOLERANCE)}
    for code, name, description, tolerated, not_tolerated, factor, evidence in _missing(FaultTolerance,
                                                                                        FAULT_TOLERANCE):
        FaultTolerance.objects.create(
            code=code, name=name, article=SOURCE, description=description, sort_order=order[code],
            tolerated=tolerated, not_tolerated=not_tolerated, factor=Factor.objects.get(code=factor),
            requires_evidence=True, evidence=evidence)


class Migration(migrations.Migration):
    dependencies = [("accountability", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
