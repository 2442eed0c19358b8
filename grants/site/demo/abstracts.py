"""Each demo proposal's own abstract and narrative, by English title, with a few overlaps
planted on purpose so the fund office's overlap page has real flags to screen:

- the open call's integrated-circuit defect detection copies half of the review call's few-shot
  defect recognition, sentence for sentence (a partly copied text);
- the open call's solid-state battery electrodes reorders the sentences of the funded
  sodium-ion cathode project (the same research asked for twice);
- the open call's coordinated grid dispatch paraphrases the decided call's grid resilience;
- the open call's integrated-circuit defect detection opens and closes with the sentences of
  its PI's running Zhejiang project in fixtures/external_records_sample.csv (LZ24F040002).

The open call's green-hydrogen proposal buys an aberration-corrected electron microscope that
the shared instrument catalogue (fixtures/) lists, and says why the shared ones cannot serve
(grants.site.demo.open_call): the check flags the instrument.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Texts:
    abstract_zh: str
    abstract_en: str
    rationale: str  # the rationale section (Chinese, as NSFC asks)
    basis: str  # the research basis section


def _texts(sentences_zh, sentences_en, rationale, basis):
    return Texts("".join(sentences_zh), " ".join(sentences_en), rationale, basis)


FEW_SHOT_ZH = [
    "工业产线上的缺陷样本稀少且类别长尾分布，传统监督学习难以覆盖新出现的缺陷类型。",
    "本项目研究面向小样本条件的缺陷识别方法，构建跨产线、跨工艺的迁移学习框架。",
    "我们提出基于原型网络与元学习的缺陷表征，使模型在每类仅有五个样本时仍能稳定识别。",
    "针对不同工厂成像条件的差异，设计无监督域自适应模块，减少重新标注的成本。",
    "项目将在长三角三家制造企业的真实产线上验证，目标是新缺陷类型的识别准确率达到百分之九十以上。",
]
FEW_SHOT_EN = [
    "Defect samples on industrial lines are scarce and long-tailed, so supervised learning "
    "misses newly appearing defect types.",
    "We study defect recognition from few examples and build a transfer-learning framework "
    "across production lines and processes.",
    "Prototype networks and meta-learning give a defect representation that stays reliable "
    "with five samples per class.",
    "An unsupervised domain-adaptation module absorbs the differences in imaging between "
    "factories and cuts the cost of labelling again.",
    "The methods are validated on real lines of three manufacturers in the delta, aiming at "
    "over 90 % accuracy on new defect types.",
]

SODIUM_ZH = [
    "钠离子电池成本低、资源丰富，是长三角储能产业的重要方向，但层状氧化物正极在循环中容量衰减明显。",
    "本项目从原子尺度到电极尺度研究正极材料的失效机制，重点关注相变、过渡金属溶出和界面副反应。",
    "我们结合原位X射线衍射、球差校正透射电镜和第一性原理计算，建立结构演化与容量衰减的定量关系。",
    "在此基础上提出体相掺杂与表面包覆协同的稳定化策略，并在软包电池中验证千次循环后的容量保持率。",
]
SODIUM_EN = [
    "Sodium-ion batteries are cheap and built from abundant elements, a key direction for "
    "energy storage in the delta, but layered oxide cathodes lose capacity as they cycle.",
    "We study how cathode materials fail from the atomic to the electrode scale, focusing on "
    "phase transitions, transition-metal dissolution and interfacial side reactions.",
    "In-situ X-ray diffraction, aberration-corrected electron microscopy and first-principles "
    "calculations relate structural evolution to capacity fade quantitatively.",
    "From this we derive stabilisation by bulk doping with surface coating, validated in pouch "
    "cells over a thousand cycles.",
]

GRID_ZH = [
    "长三角跨省电网联系紧密，极端天气和新能源波动使连锁故障风险上升。",
    "本项目建立跨省电网韧性的评估指标体系，刻画故障传播与恢复过程。",
    "我们发展基于复杂网络与随机优化的韧性评估方法，识别跨省联络线上的薄弱环节。",
    "研究成果将为四省一市电网的协同规划和应急调度提供决策依据。",
]
GRID_EN = [
    "The delta's provincial grids are tightly coupled, and extreme weather and fluctuating "
    "renewables raise the risk of cascading failures.",
    "We build indicators of cross-provincial grid resilience that capture how faults spread "
    "and how the system recovers.",
    "Complex-network and stochastic-optimisation methods locate the weak links on the "
    "interprovincial tie lines.",
    "The results support coordinated planning and emergency dispatch of the region's grids.",
]

TEXTS = {
    # ---- the open call -------------------------------------------------------------------
    "Trustworthy visual foundation models for smart manufacturing in the delta": _texts(
        [
            "视觉大模型在工业场景中面临可解释性不足、分布外样本失效和数据安全等问题。",
            "本项目研究面向智能制造的可信视觉基础模型，提出可验证的不确定性估计和因果归因方法。",
            "通过联邦预训练让上海、浙江两地企业在数据不出厂的前提下共建模型。",
            "预期形成覆盖装配、焊接、喷涂三类工序的可信评测基准。",
        ],
        [
            "Visual foundation models fail in factories when samples drift, cannot explain their "
            "decisions and raise data-security concerns.",
            "We develop trustworthy visual models for manufacturing with verifiable uncertainty "
            "and causal attribution.",
            "Federated pre-training lets firms in Shanghai and Zhejiang build one model without "
            "data leaving the plant.",
            "A benchmark of trust for assembly, welding and painting will be released.",
        ],
        "可信性是视觉大模型进入产线的前提。现有模型对光照、视角变化敏感，缺少置信度校准，"
        "错误难以追溯。本项目从不确定性量化、因果解释和隐私保护三方面展开研究。",
        "团队在工业视觉和联邦学习方面已有多年积累，与两家整车企业共建联合实验室。",
    ),
    "Composite electrodes for safe solid-state batteries": _texts(
        # The funded sodium-ion project's sentences, reordered: asked for twice.
        [SODIUM_ZH[2], SODIUM_ZH[0], SODIUM_ZH[3], SODIUM_ZH[1]],
        [SODIUM_EN[2], SODIUM_EN[0], SODIUM_EN[3], SODIUM_EN[1]],
        "固态电池的安全性取决于电极与电解质的界面稳定。" + SODIUM_ZH[1] + SODIUM_ZH[2],
        "团队在电池材料表征方面有长期合作，共享中国科学技术大学的原位表征平台。",
    ),
    "Theory of coordinated dispatch across the delta's power grids": _texts(
        # A paraphrase of the decided call's grid resilience project.
        [
            "长三角各省电网联系紧密，极端天气与新能源出力波动使连锁故障的风险不断增加。",
            "项目构建跨省电网协同调度理论，刻画故障在省间的传播与系统恢复过程。",
            "发展基于复杂网络和随机优化的调度方法，找出跨省联络线的薄弱环节。",
            "成果可为四省一市电网的协同规划与应急调度提供依据。",
        ],
        [
            "The provincial grids of the delta are closely coupled, and extreme weather and "
            "volatile renewable output keep raising the risk of cascading failure.",
            "We develop a theory of coordinated dispatch that describes how faults travel "
            "between provinces and how the system recovers.",
            "Dispatch methods from complex networks and stochastic optimisation find the weak "
            "links on the tie lines between provinces.",
            "The results inform joint planning and emergency dispatch across the region.",
        ],
        "省间电力交换规模持续扩大，但调度仍以省为单位，缺少协同的理论基础。",
        "团队长期参与华东电网调度研究，拥有跨省电网的仿真平台。",
    ),
    "Defect detection algorithms for integrated-circuit manufacturing": _texts(
        # Half of the review call's few-shot defect recognition, copied sentence for sentence.
        [
            "晶圆缺陷检测是集成电路良率控制的关键环节。",
            FEW_SHOT_ZH[0],
            FEW_SHOT_ZH[2],
            FEW_SHOT_ZH[3],
            "项目将与安徽的晶圆厂合作，建立覆盖十二类缺陷的公开数据集。",
        ],
        [
            "Wafer defect inspection is central to yield control in chip manufacturing.",
            FEW_SHOT_EN[0],
            FEW_SHOT_EN[2],
            FEW_SHOT_EN[3],
            "With a wafer fab in Anhui we will publish a data set of twelve defect classes.",
        ],
        "先进制程的缺陷尺寸已接近光学检测的极限，需要新的算法。" + FEW_SHOT_ZH[2],
        "团队与合肥的晶圆厂已有三年合作，掌握产线缺陷图像的采集流程。",
    ),
    "In-situ electron microscopy of catalyst interfaces for green hydrogen": _texts(
        [
            "电解水制氢的成本取决于析氧催化剂的活性与寿命，而催化剂表面在工作电位下不断重构。",
            "本项目在真实电解液和工作电位下观测铱基与镍铁基催化剂的表面重构过程。",
            "我们发展液相与气相原位电子显微成像方法，逐帧记录活性位点的生成与失活。",
            "结合同步辐射谱学与动力学模型，给出长寿命低贵金属催化剂的设计规则。",
        ],
        [
            "The cost of hydrogen from water electrolysis hinges on how active and durable the "
            "oxygen-evolution catalyst is, and its surface keeps rebuilding under potential.",
            "We watch iridium and nickel-iron catalysts restructure in real electrolyte at "
            "working potential.",
            "Liquid-cell and gas-cell in-situ electron imaging records, frame by frame, how "
            "active sites form and die.",
            "With synchrotron spectroscopy and kinetic models this yields design rules for "
            "long-lived catalysts with little precious metal.",
        ],
        "绿氢规模化要求催化剂在安培级电流下稳定运行上万小时。",
        "团队建有电化学原位表征实验室，与宁波的电解槽企业合作。",
    ),
    # ---- the review call -----------------------------------------------------------------
    "Explainable learning for multimodal industrial inspection": _texts(
        [
            "工业检测同时产生图像、声学和振动信号，单一模态难以判断复杂故障。",
            "本项目研究多模态融合的可解释学习方法，使检测结论可以追溯到具体信号片段。",
            "提出基于注意力对齐的跨模态表征和基于反事实的解释生成。",
            "在轴承、齿轮箱和电机三类设备上开展验证。",
        ],
        [
            "Industrial inspection yields images, sound and vibration; no single modality "
            "explains complex faults.",
            "We study explainable multimodal learning whose conclusions trace back to signal "
            "segments.",
            "Attention-aligned cross-modal representations and counterfactual explanations are "
            "proposed.",
            "Validation covers bearings, gearboxes and motors.",
        ],
        "设备故障的早期征兆往往分散在不同模态中，融合与解释是工程落地的难点。",
        "团队拥有覆盖三类旋转设备的多模态故障数据库。",
    ),
    "A foundation model of traffic across the delta's city cluster": _texts(
        [
            "长三角城市群通勤与货运交织，跨城交通预测需要统一的时空模型。",
            "本项目构建面向城市群的交通基础模型，融合路网、轨道交通和手机信令数据。",
            "研究时空图上的自监督预训练和面向新城市的快速适配方法。",
            "模型将服务于跨城公交线网优化和重大活动的交通组织。",
        ],
        [
            "Commuting and freight interleave across the delta's cities; cross-city forecasting "
            "needs one spatio-temporal model.",
            "We pre-train a traffic foundation model on road networks, rail transit and mobile "
            "signalling data.",
            "Self-supervised learning on spatio-temporal graphs and fast adaptation to new "
            "cities are studied.",
            "The model serves cross-city bus network design and traffic management at major "
            "events.",
        ],
        "城市间交通数据标准不一、分布差异大，现有模型难以迁移。",
        "团队与上海、南京交通管理部门有数据合作协议。",
    ),
    "Reliability design for automotive-grade chips": _texts(
        [
            "车规芯片需要在零下四十度至一百五十度的环境中工作十五年以上。",
            "本项目研究车规芯片的可靠性设计方法，建立电迁移、热载流子和老化的联合模型。",
            "提出面向功能安全的冗余架构和在线健康监测电路。",
            "与长三角的汽车电子企业合作完成流片验证。",
        ],
        [
            "Automotive chips must work for fifteen years between minus forty and 150 degrees.",
            "We model electromigration, hot carriers and ageing jointly for reliability design.",
            "Redundant architectures for functional safety and on-chip health monitors are "
            "proposed.",
            "Tape-outs with automotive electronics firms in the delta validate the designs.",
        ],
        "国产车规芯片的可靠性验证周期长，设计阶段缺少有效的寿命预测工具。",
        "团队具有多次车规芯片流片经验，并建有加速老化测试平台。",
    ),
    "Privacy-preserving computation on cross-provincial government data": _texts(
        [
            "跨省政务服务需要共享社保、税务和市场监管数据，但数据出省面临合规风险。",
            "本项目研究适用于政务场景的隐私计算方法，包括多方安全计算和可验证的联邦统计。",
            "设计满足等保要求的密钥管理和审计机制。",
            "在两省政务数据平台上开展试点。",
        ],
        [
            "Cross-provincial public services need social security, tax and market data, but "
            "moving data across provinces raises compliance risks.",
            "We study privacy-preserving computation for government data: secure multi-party "
            "computation and verifiable federated statistics.",
            "Key management and audit meet the national security classification rules.",
            "Pilots run on two provinces' data platforms.",
        ],
        "一网通办的跨省延伸需要在数据不出域的前提下完成联合计算。",
        "团队参与过省级政务数据平台的安全设计。",
    ),
    "Intelligent sensing networks for the Yangtze estuary": _texts(
        [
            "长江口水环境受径流、潮汐和人类活动共同影响，监测站点稀疏。",
            "本项目研发低功耗水质传感节点和水下无线通信协议，构建智能感知网络。",
            "结合遥感反演与数据同化，实现叶绿素、溶解氧和盐度的高分辨率重建。",
            "在崇明岛周边水域布设示范网络。",
        ],
        [
            "River flow, tides and human activity shape the Yangtze estuary, which has few "
            "monitoring stations.",
            "We develop low-power water-quality sensor nodes and underwater wireless protocols.",
            "Remote sensing and data assimilation reconstruct chlorophyll, oxygen and salinity "
            "at high resolution.",
            "A demonstration network is deployed around Chongming Island.",
        ],
        "河口水环境变化快、空间异质性强，需要连续、密集的观测。",
        "团队在河口生态观测方面有十余年积累。",
    ),
    "Few-shot defect recognition and transfer learning": _texts(
        FEW_SHOT_ZH,
        FEW_SHOT_EN,
        "新缺陷类型出现快、样本少，是产线视觉检测的主要痛点。" + FEW_SHOT_ZH[1],
        "团队与三家制造企业合作建设了缺陷图像库。",
    ),
    # ---- the decided call ----------------------------------------------------------------
    "Interface control in new-energy materials": _texts(
        [
            "新能源材料的性能往往由界面决定，界面结构难以直接观测与调控。",
            "本项目研究光伏钙钛矿和储氢合金中的界面调控方法。",
            "发展界面原子结构的电子显微表征和机器学习势函数模拟。",
            "目标是将钙钛矿组件的湿热稳定性提高一倍。",
        ],
        [
            "Interfaces decide how new-energy materials perform, yet they are hard to observe "
            "and control.",
            "We control interfaces in perovskite photovoltaics and hydrogen-storage alloys.",
            "Electron microscopy of interface structure is combined with machine-learned "
            "potentials.",
            "The aim is to double the damp-heat stability of perovskite modules.",
        ],
        "钙钛矿组件的寿命瓶颈在于界面的化学与结构不稳定。",
        "团队在钙钛矿器件方面发表过系列工作。",
    ),
    "Multiscale damage in superalloys": _texts(
        [
            "航空发动机涡轮叶片在高温、高应力下服役，镍基高温合金的损伤演化跨越多个尺度。",
            "本项目研究从位错到晶粒再到构件的多尺度损伤机理。",
            "结合原位高温力学实验、晶体塑性有限元和数据驱动的寿命预测。",
            "为国产发动机叶片的选材和寿命评估提供依据。",
        ],
        [
            "Turbine blades serve under high temperature and stress; damage in nickel "
            "superalloys evolves across scales.",
            "We study damage from dislocations through grains to components.",
            "In-situ high-temperature tests, crystal-plasticity finite elements and data-driven "
            "life prediction are combined.",
            "The results guide material choice and life assessment of domestic engine blades.",
        ],
        "高温合金的蠕变疲劳交互作用尚缺少跨尺度的定量理论。",
        "团队拥有高温原位力学测试平台。",
    ),
    "Resilience of cross-provincial power grids": _texts(
        GRID_ZH,
        GRID_EN,
        "跨省电网的韧性评估缺少统一指标。" + GRID_ZH[2],
        "团队参与了华东电网多次应急演练的方案设计。",
    ),
    "Structural health monitoring for smart construction": _texts(
        [
            "大跨度桥梁和超高层建筑的安全运维依赖持续的结构健康监测。",
            "本项目研究分布式光纤传感与数字孪生相结合的监测方法。",
            "提出基于物理信息神经网络的损伤识别和剩余寿命评估。",
            "在杭州湾和合肥的两座桥梁上开展长期监测。",
        ],
        [
            "Long-span bridges and super-tall buildings need continuous structural health "
            "monitoring.",
            "We combine distributed fibre-optic sensing with digital twins.",
            "Physics-informed neural networks identify damage and estimate remaining life.",
            "Two bridges, in Hangzhou Bay and Hefei, are monitored over years.",
        ],
        "智能建造要求监测数据直接服务于运维决策。",
        "团队承担过多座大桥的健康监测系统建设。",
    ),
    "Failure of sodium-ion battery cathodes": _texts(
        SODIUM_ZH,
        SODIUM_EN,
        "正极失效是钠离子电池走向规模储能的主要障碍。" + SODIUM_ZH[1],
        "团队与安徽的电池企业共建中试线。",
    ),
}
